/**
 * What a chaos run observed, and the table that judges it: plain Java, no Kafka, Avro or HTTP type, so every row's
 * arithmetic is unit-tested on made-up observations.
 */
@NullMarked
package dev.lapse.chaos.report;

import org.jspecify.annotations.NullMarked;
