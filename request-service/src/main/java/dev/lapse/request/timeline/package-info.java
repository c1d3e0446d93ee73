/** The read model: each request's timeline, folded from its lifecycle events. No Spring, Kafka or Avro here. */
@NullMarked
package dev.lapse.request.timeline;

import org.jspecify.annotations.NullMarked;
