/**
 * How every Lapse service wires Kafka the same way: the topics it declares and how poison records are parked
 * in dead-letter topics. The only Spring-aware code in {@code schemas}; spring-kafka is an optional dependency.
 */
@NullMarked
package dev.lapse.schemas.kafka;

import org.jspecify.annotations.NullMarked;
