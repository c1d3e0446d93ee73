/**
 * Drives load at a target and measures it: bursts to estimate capacity, open-loop runs at a fixed rate that stop
 * once their backlog passes a bound, each item's latency from its due moment to the moment it was seen done.
 * Knows no Kafka or HTTP: a {@link dev.lapse.bench.drive.Target} submits, something else reports completions.
 */
@NullMarked
package dev.lapse.bench.drive;

import org.jspecify.annotations.NullMarked;
