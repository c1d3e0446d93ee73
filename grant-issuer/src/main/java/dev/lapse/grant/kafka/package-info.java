/** The Kafka edge: approvals in, grants out; expiries in, withdrawals out; one transaction each. */
@NullMarked
package dev.lapse.grant.kafka;

import org.jspecify.annotations.NullMarked;
