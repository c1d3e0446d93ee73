package dev.lapse.bench.report;

import java.util.Objects;

/**
 * One row of the table.
 *
 * @param id a stable key other sections look the row up by (for example {@code baseline.sustained}); unique in a run
 * @param section the part of the run it belongs to (first column)
 * @param figure what was measured, and under which load
 * @param value the measurement
 * @param note how it was measured, or what to know when reading it; empty when there is nothing to add
 */
public record Row(String id, String section, String figure, Measurement value, String note) {

    public Row {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(figure, "figure");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(note, "note");
    }
}
