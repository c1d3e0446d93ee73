/**
 * Where a grant becomes real access: the small interface every target adapter implements (PostgreSQL is the
 * first), and the plain values that cross it. No Spring, Kafka or Avro here.
 */
@NullMarked
package dev.lapse.grant.target;

import org.jspecify.annotations.NullMarked;
