/** Deciding expiries from the wheel, with time given by the caller. No Spring, Kafka or Avro here. */
@NullMarked
package dev.lapse.revoker.expiry;

import org.jspecify.annotations.NullMarked;
