/**
 * The one table of a benchmark run: rows of typed measurements, figures derived from other rows (ratios), and the
 * Markdown the run prints. Plain Java: no framework, no clock.
 */
@NullMarked
package dev.lapse.bench.report;

import org.jspecify.annotations.NullMarked;
