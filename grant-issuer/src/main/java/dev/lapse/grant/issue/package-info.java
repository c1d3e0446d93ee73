/** The pure issuing logic: grant ids, expiry instants, withdrawals. No Spring, Kafka or Avro here. */
@NullMarked
package dev.lapse.grant.issue;

import org.jspecify.annotations.NullMarked;
