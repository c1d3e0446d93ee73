package dev.lapse.bench;

import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import java.util.List;

/**
 * One part of the benchmark run: it measures on the run's {@link Stand} and returns its rows of the one table. The
 * run calls the sections one after the other, so none competes with another for the cores. A section adds its
 * figures by returning rows with ids of its own; one that derives figures (a ratio) reads earlier rows by id.
 */
public interface Section {

    /** What the section measures, for progress lines and for the row that says it failed. */
    String name();

    /**
     * Measures, and returns the rows; a figure it could not measure is a row with a
     * {@link dev.lapse.bench.report.Measurement.Missing} value that says why.
     *
     * @param soFar the rows of the sections run before this one
     */
    List<Row> run(Stand stand, Table soFar) throws Exception;
}
