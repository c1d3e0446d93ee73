/**
 * The baseline: a bare three-hop consume-transform-produce pipeline on plain Kafka clients, one transaction per poll
 * batch with its consumed offsets, on the same broker and with the same client settings as Lapse. What Lapse's three
 * transactional hops could cost at best on this machine.
 */
@NullMarked
package dev.lapse.bench.baseline;

import org.jspecify.annotations.NullMarked;
