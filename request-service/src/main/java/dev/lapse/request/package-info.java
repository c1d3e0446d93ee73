/** request-service: takes access requests in, by REST and by Kafka, and shows each request's timeline. */
@NullMarked
package dev.lapse.request;

import org.jspecify.annotations.NullMarked;
