/**
 * Requests that wait for approval votes, as pure logic: what a pending request holds, how a vote or the clock
 * decides it (approved, denied by an approver, withdrawn by the requester, timed out), and the table of pending
 * requests of the partitions one consumer owns, whose changes are kept or dropped with the Kafka transaction they
 * were made in. No Spring, Kafka or Avro here; the listener maps events in and decisions out.
 */
@NullMarked
package dev.lapse.policy.pending;

import org.jspecify.annotations.NullMarked;
