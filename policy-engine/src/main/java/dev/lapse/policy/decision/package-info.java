/** The pure decision logic: a request in, a decision with its reason out. No Spring, Kafka or Avro here. */
@NullMarked
package dev.lapse.policy.decision;

import org.jspecify.annotations.NullMarked;
