/** Validating a submitted request, the same way for REST and for the Kafka ingress. No Spring, Kafka or Avro here. */
@NullMarked
package dev.lapse.request.submission;

import org.jspecify.annotations.NullMarked;
