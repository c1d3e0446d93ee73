/**
 * Lapse end to end, auto-approved: requests offered over the Kafka ingress or the REST API of the running services,
 * each done when its {@code AccessGranted} is seen on {@code lapse.access.granted}, read_committed.
 */
@NullMarked
package dev.lapse.bench.lapse;

import org.jspecify.annotations.NullMarked;
