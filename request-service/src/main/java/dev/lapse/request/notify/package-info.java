/**
 * Webhook notifications: what a lifecycle event tells a receiver (a signed JSON body), when an "expires soon"
 * notice falls due, how deliveries retry, and which consumed offsets may be committed. No Spring, Kafka, Avro or
 * HTTP client here: the edge (request-service's {@code kafka} package) consumes, sends and commits.
 */
@NullMarked
package dev.lapse.request.notify;

import org.jspecify.annotations.NullMarked;
