/** The Kafka edge: the ingress, the publisher, and the listener that feeds the timeline. */
@NullMarked
package dev.lapse.request.kafka;

import org.jspecify.annotations.NullMarked;
