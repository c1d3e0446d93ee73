/**
 * Kafka at the benchmark's edge: the client settings every Lapse service uses, topics made for a run, and a
 * read_committed watcher that reports each record key it sees as done.
 */
@NullMarked
package dev.lapse.bench.kafka;

import org.jspecify.annotations.NullMarked;
