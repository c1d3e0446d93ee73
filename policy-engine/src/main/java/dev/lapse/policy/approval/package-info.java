/**
 * Human approvals as pure logic: who must approve a request, and how votes become approved, denied or timed out.
 * No Spring, Kafka or Avro here; the listener maps events in and outcomes out.
 */
@NullMarked
package dev.lapse.policy.approval;

import org.jspecify.annotations.NullMarked;
