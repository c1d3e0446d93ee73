package dev.lapse.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The one table of a run: rows in the order the sections reported them, printed as Markdown. */
public final class Table {

    private final List<Row> rows = new ArrayList<>();

    /** Appends rows; an id already in the table is refused, so a lookup by id is never ambiguous. */
    public void add(List<Row> more) {
        for (Row row : more) {
            if (find(row.id()).isPresent()) {
                throw new IllegalArgumentException("the table already has a row " + row.id());
            }
            rows.add(row);
        }
    }

    public Optional<Row> find(String id) {
        return rows.stream().filter(row -> row.id().equals(id)).findFirst();
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** The rows that should hold a number and do not (a {@link Measurement.Skipped} row is not one of them). */
    public List<Row> unmeasured() {
        return rows.stream().filter(row -> row.value() instanceof Measurement.Missing).toList();
    }

    /** The table in Markdown, with the reason of every missing or skipped value in its note. */
    public String markdown() {
        StringBuilder out = new StringBuilder("| section | figure | value | note |\n|---|---|---|---|\n");
        for (Row row : rows) {
            String note = row.note();
            if (row.value() instanceof Measurement.Missing missing) {
                note = join(missing.why(), row.note());
            } else if (row.value() instanceof Measurement.Skipped skipped) {
                note = join(skipped.why(), row.note());
            }
            out.append("| ").append(cell(row.section())).append(" | ").append(cell(row.figure())).append(" | ")
                    .append(cell(row.value().text())).append(" | ").append(cell(note)).append(" |\n");
        }
        return out.toString();
    }

    private static String join(String first, String second) {
        return second.isEmpty() ? first : first + "; " + second;
    }

    // A pipe or a line break inside a cell would split the row.
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
