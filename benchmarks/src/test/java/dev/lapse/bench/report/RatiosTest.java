package dev.lapse.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.bench.report.Ratios.Quantity;
import dev.lapse.bench.report.Ratios.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RatiosTest {

    private static Table table(Measurement lapseLatency) {
        Table table = new Table();
        table.add(List.of(
                new Row("base.rate", "baseline", "sustained", new Measurement.Rate(50_000, "records/s"), ""),
                new Row("base.p99", "baseline", "latency", new Measurement.Latency(30, 70, 90, 1_000, true), ""),
                new Row("lapse.rate", "Lapse", "sustained", new Measurement.Rate(60, "requests/s"), ""),
                new Row("lapse.p99", "Lapse", "latency", lapseLatency, "")));
        return table;
    }

    private static final List<Spec> SPECS = List.of(
            new Spec("r.rate", "throughput", "lapse.rate", "base.rate", Quantity.RATE),
            new Spec("r.p99", "p99", "lapse.p99", "base.p99", Quantity.P99));

    @Test
    void rows_divideTheNumeratorsQuantityByTheDenominators() {
        List<Row> rows = Ratios.rows(table(new Measurement.Latency(40, 87.5, 120, 1_000, true)), "ratios", SPECS);

        assertThat(rows).containsExactly(
                new Row("r.rate", "ratios", "throughput", new Measurement.Ratio(60 / 50_000.0), ""),
                new Row("r.p99", "ratios", "p99", new Measurement.Ratio(1.25), ""));
    }

    @Test
    void rows_sayWhenTheNumeratorWasOverloaded() {
        List<Row> rows = Ratios.rows(table(new Measurement.Latency(1_900, 5_600, 5_700, 130, false)), "ratios",
                SPECS);

        assertThat(rows.get(1).value()).isEqualTo(new Measurement.Ratio(80));
        assertThat(rows.get(1).note()).startsWith("Lapse was overloaded at this rate");
    }

    @Test
    void rows_missing_whenARowIsAbsentOrNotMeasured() {
        List<Row> rows = Ratios.rows(table(new Measurement.Missing("watcher stopped")), "ratios", List.of(
                new Spec("r.p99", "p99", "lapse.p99", "base.p99", Quantity.P99),
                new Spec("r.gone", "gone", "lapse.rate", "nowhere", Quantity.RATE)));

        assertThat(rows).extracting(Row::value).containsExactly(
                new Measurement.Missing("no figure lapse.p99"), new Measurement.Missing("no figure nowhere"));
    }
}
