/**
 * The rules of load and of its judgement, as plain values: when each item of an open-loop schedule is due, when a
 * backlog counts as bounded, which rate the search for the highest sustained rate tries next. No clock, no thread.
 */
@NullMarked
package dev.lapse.bench.load;

import org.jspecify.annotations.NullMarked;
