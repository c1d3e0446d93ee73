package dev.lapse.audit.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the audit is waiting for the world (an unreachable registry, a failing disk) and since when. It logs one
 * line when a wait starts and one when it ends, never one per retry, and shows the state as the gauge
 * {@code lapse.audit.waiting} (1 while waiting) and the counter {@code lapse.audit.waits} (waits begun). The retries
 * themselves are the listener container's (see {@link AuditKafkaConfiguration}). Thread-safe.
 */
final class AuditWaiting {

    private static final Logger log = LoggerFactory.getLogger(AuditWaiting.class);

    private final Clock clock;
    private final Counter waits;
    private @Nullable Instant since;
    private long attempts;

    AuditWaiting(Clock clock, MeterRegistry meters) {
        this.clock = clock;
        this.waits = Counter.builder("lapse.audit.waits")
                .description("Times the audit began to wait for the schema registry or the disk")
                .register(meters);
        Gauge.builder("lapse.audit.waiting", this, waiting -> waiting.isWaiting() ? 1 : 0)
                .description("1 while the audit waits for the schema registry or the disk, else 0")
                .register(meters);
    }

    /** An attempt to audit the record at {@code where} failed for a reason outside the record; it will be retried. */
    synchronized void failed(String where, Throwable reason) {
        attempts++;
        if (since == null) {
            since = clock.instant();
            waits.increment();
            log.warn("Audit waits at {}: {}; retrying with a growing backoff (at most {} ms) until it works", where,
                    reason.getMessage(), AuditKafkaConfiguration.MAX_BACKOFF_MS);
        }
    }

    /** A record was audited: if the audit was waiting, it goes on now. */
    synchronized void succeeded(String where) {
        if (since != null) {
            log.info("Audit resumes at {} after waiting {} ms ({} attempts)", where,
                    Duration.between(since, clock.instant()).toMillis(), attempts);
            since = null;
            attempts = 0;
        }
    }

    synchronized boolean isWaiting() {
        return since != null;
    }
}
