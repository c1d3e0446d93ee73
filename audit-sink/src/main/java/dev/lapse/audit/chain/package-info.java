/**
 * The audit log's tamper-evident hash chains: canonical JSON of audit entries and SHA-256 links over it, one chain
 * per Kafka topic-partition. Pure computation: no I/O and no clock, every time comes from the caller.
 */
@NullMarked
package dev.lapse.audit.chain;

import org.jspecify.annotations.NullMarked;
