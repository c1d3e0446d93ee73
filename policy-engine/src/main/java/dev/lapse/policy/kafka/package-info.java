/**
 * The Kafka edge: reads requests and votes, calls the rules and the pending table, publishes decisions and the
 * pending state in the same transaction; sweeps time-outs on the same consumer thread.
 */
@NullMarked
package dev.lapse.policy.kafka;

import org.jspecify.annotations.NullMarked;
