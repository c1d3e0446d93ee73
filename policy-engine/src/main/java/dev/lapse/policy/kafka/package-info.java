/** The Kafka edge: reads requests, calls the decision logic, publishes the decision in the same transaction. */
@NullMarked
package dev.lapse.policy.kafka;

import org.jspecify.annotations.NullMarked;
