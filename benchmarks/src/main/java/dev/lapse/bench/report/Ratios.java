package dev.lapse.bench.report;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Figures derived from two rows of the table: one row's value over another's, for example Lapse's p99 over the baseline's. */
public final class Ratios {

    private Ratios() {
    }

    /** Which number of a row a ratio divides. */
    public enum Quantity {
        /** A {@link Measurement.Rate}'s per-second value. */
        RATE(value -> value instanceof Measurement.Rate rate ? Optional.of(rate.perSecond()) : Optional.empty()),
        /** A {@link Measurement.Latency}'s p99. */
        P99(value -> value instanceof Measurement.Latency latency ? Optional.of(latency.p99Ms()) : Optional.empty()),
        /** A {@link Measurement.Amount}'s value. */
        AMOUNT(value -> value instanceof Measurement.Amount amount ? Optional.of(amount.value()) : Optional.empty());

        private final Function<Measurement, Optional<Double>> read;

        Quantity(Function<Measurement, Optional<Double>> read) {
            this.read = read;
        }
    }

    /** One ratio to report: the row {@code numeratorId}'s quantity over the row {@code denominatorId}'s. */
    public record Spec(String id, String figure, String numeratorId, String denominatorId, Quantity quantity) {
    }

    /** One row per spec, in the given section; a ratio whose rows are absent or not measured says which. */
    public static List<Row> rows(Table table, String section, List<Spec> specs) {
        return specs.stream().map(spec -> row(table, section, spec)).toList();
    }

    private static Row row(Table table, String section, Spec spec) {
        Optional<Row> numerator = table.find(spec.numeratorId());
        Optional<Row> denominator = table.find(spec.denominatorId());
        Optional<Double> top = numerator.flatMap(row -> spec.quantity().read.apply(row.value()));
        Optional<Double> bottom = denominator.flatMap(row -> spec.quantity().read.apply(row.value()));
        if (top.isEmpty() || bottom.isEmpty()) {
            String absent = top.isEmpty() ? spec.numeratorId() : spec.denominatorId();
            return new Row(spec.id(), section, spec.figure(), new Measurement.Missing("no figure " + absent), "");
        }
        if (bottom.get() == 0) {
            return new Row(spec.id(), section, spec.figure(), new Measurement.Missing(spec.denominatorId() + " is 0"),
                    "");
        }
        String note = numerator.get().value() instanceof Measurement.Latency latency && !latency.complete()
                ? "Lapse was overloaded at this rate (its run stopped early): its p99 grows with the run's length"
                : "";
        return new Row(spec.id(), section, spec.figure(), new Measurement.Ratio(top.get() / bottom.get()), note);
    }
}
