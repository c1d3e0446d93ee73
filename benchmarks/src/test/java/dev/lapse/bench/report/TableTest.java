package dev.lapse.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void markdown_oneLinePerRow_withTheReasonOfAMissingValueInItsNote() {
        Table table = new Table();
        table.add(List.of(
                new Row("a.rate", "baseline", "sustained", new Measurement.Rate(52_340.4, "records/s"),
                        "200,000 records"),
                new Row("a.latency", "baseline", "at 1,000/s", new Measurement.Latency(34.81, 66.62, 83.04, 12_000,
                        true), ""),
                new Row("b.latency", "Lapse", "at 1,000/s", new Measurement.Latency(1_950, 5_500.4, 5_612, 130,
                        false), "stopped early"),
                new Row("b.rate", "Lapse", "sustained", new Measurement.Missing("no rate held"), "tried 54/s"),
                new Row("c.ratio", "Lapse / baseline", "p99 | ratio", new Measurement.Ratio(82.567), "")));

        assertThat(table.markdown()).isEqualTo("""
                | section | figure | value | note |
                |---|---|---|---|
                | baseline | sustained | 52,340 records/s | 200,000 records |
                | baseline | at 1,000/s | p50 34.8 · p99 66.6 · p99.9 83.0 ms |  |
                | Lapse | at 1,000/s | p50 1,950 · p99 5,500 · p99.9 5,612 ms (overloaded) | stopped early |
                | Lapse | sustained | not measured | no rate held; tried 54/s |
                | Lapse / baseline | p99 \\| ratio | 82.6 |  |
                """);
        assertThat(table.unmeasured()).extracting(Row::id).containsExactly("b.rate");
    }

    @Test
    void aSkippedRow_saysWhyInItsNote_andIsNotUnmeasured() {
        Table table = new Table();
        table.add(List.of(new Row("p.read", "PostgreSQL", "expiry → denied",
                new Measurement.Skipped("skipped: no PostgreSQL at jdbc:postgresql://127.0.0.1:5432"), "")));

        assertThat(table.markdown()).endsWith(
                "| PostgreSQL | expiry → denied | skipped | skipped: no PostgreSQL at jdbc:postgresql://127.0.0.1:5432 |\n");
        assertThat(table.rows().get(0).value().measured()).isFalse();
        assertThat(table.unmeasured()).isEmpty();
    }

    @Test
    void add_refusesAnIdTwice() {
        Table table = new Table();
        table.add(List.of(new Row("a", "s", "f", new Measurement.Ratio(1), "")));

        assertThatThrownBy(() -> table.add(List.of(new Row("a", "t", "g", new Measurement.Ratio(2), ""))))
                .hasMessage("the table already has a row a");
    }

    @Test
    void numbers_threeSignificantDigitsBelowAHundred_wholeWithSeparatorsAbove() {
        assertThat(Measurement.number(0.41234)).isEqualTo("0.412");
        assertThat(Measurement.number(4.1234)).isEqualTo("4.12");
        assertThat(Measurement.number(41.234)).isEqualTo("41.2");
        assertThat(Measurement.number(412.34)).isEqualTo("412");
        assertThat(Measurement.number(41_234.5)).isEqualTo("41,235");
        assertThat(Measurement.number(0)).isEqualTo("0");
        assertThat(Measurement.number(-3_304.6)).isEqualTo("-3,305");
        assertThat(Measurement.number(-4.1234)).isEqualTo("-4.12");
    }

    @Test
    void lag_inMillisecondsAndInTicks() {
        assertThat(new Measurement.Lag(4, 12, 31, 1_000, 10).text())
                .isEqualTo("p50 4.00 · p99 12.0 · max 31.0 ms = 0.400 · 1.20 · 3.10 ticks of 10.0 ms");
    }

    @Test
    void lag_refusesNoValuesAndNoTick() {
        assertThatThrownBy(() -> new Measurement.Lag(1, 1, 1, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Measurement.Lag(1, 1, 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
