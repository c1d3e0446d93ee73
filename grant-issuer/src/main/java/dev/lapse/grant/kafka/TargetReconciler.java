package dev.lapse.grant.kafka;

import dev.lapse.event.AccessGranted;
import dev.lapse.grant.target.GrantSpec;
import dev.lapse.grant.target.PresentGrant;
import dev.lapse.grant.target.Provisioning;
import dev.lapse.grant.target.Reconciliation;
import dev.lapse.grant.target.Target;
import dev.lapse.grant.target.TargetUnavailableException;
import dev.lapse.grant.target.Targets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each target equal to the grants Lapse holds provisioned there: drops the objects of grants that should not
 * exist (strays, long-overdue grants) and puts back running grants whose objects went missing; and keeps the gauge
 * {@value #OVERDUE} (grants past their time whose objects still exist in the target).
 *
 * <p>Runs at start and then every interval, on its own thread; every step is the target's own idempotent
 * provision or withdrawal, so it may run beside the listeners and on several instances at once. It acts only on the
 * grants whose expiries this instance consumes, and never restores a grant whose withdrawal is under way
 * ({@link ExpiryFence}).
 */
final class TargetReconciler {

    /** Gauge: grants whose {@code expiresAt} has passed but whose objects still exist in the target. */
    static final String OVERDUE = "lapse.grants.overdue.in.target";
    static final String DROPPED = "lapse.reconciliation.dropped";
    static final String RESTORED = "lapse.reconciliation.restored";

    private static final Logger log = LoggerFactory.getLogger(TargetReconciler.class);

    private final Targets targets;
    private final ProvisionedGrants provisioned;
    private final Clock clock;
    private final Duration grace;
    private final MeterRegistry meters;
    private final Map<String, AtomicInteger> overdue = new ConcurrentHashMap<>();
    private final ExpiryFence fence;

    TargetReconciler(Targets targets, ProvisionedGrants provisioned, Clock clock, Duration grace,
            MeterRegistry meters, ExpiryFence fence) {
        this.fence = fence;
        this.targets = targets;
        this.provisioned = provisioned;
        this.clock = clock;
        this.grace = grace;
        this.meters = meters;
        for (Target target : targets.all()) {
            AtomicInteger count = new AtomicInteger();
            overdue.put(target.name(), count);
            Gauge.builder(OVERDUE, count, AtomicInteger::get).tag("target", target.name())
                    .description("grants past their expiresAt whose objects still exist in the target")
                    .register(meters);
        }
    }

    /** Counts the overdue grants of every target; a target that is down keeps its last count. */
    void countOverdue() {
        Instant now = clock.instant();
        for (Target target : targets.all()) {
            try {
                long count = target.present().stream()
                        .filter(grant -> grant.expiresAt() != null && !grant.expiresAt().isAfter(now)).count();
                overdue.get(target.name()).set((int) count);
            } catch (TargetUnavailableException e) {
                log.warn("Cannot count overdue grants in target {}: {}", target.name(), e.getMessage());
            }
        }
    }

    /** Reconciles every target once. */
    void reconcile() {
        if (targets.isEmpty()) {
            return;
        }
        Map<String, AccessGranted> held = provisioned.read();
        for (Target target : targets.all()) {
            try {
                reconcile(target, held);
            } catch (TargetUnavailableException e) {
                log.warn("Reconciliation of target {} skipped, it is unavailable: {}", target.name(),
                        e.getMessage());
            }
        }
    }

    private void reconcile(Target target, Map<String, AccessGranted> held) {
        List<GrantSpec> mine = held.values().stream()
                .filter(granted -> granted.getResource().getKind().equals(target.name()))
                .map(GrantSpecs::of).toList();
        List<PresentGrant> present = target.present();
        Instant now = clock.instant();
        Reconciliation plan = Reconciliation.plan(present, mine, now, grace);
        overdue.get(target.name()).set(plan.overdue().size());
        for (PresentGrant stray : plan.drop()) {
            if (!fence.mayReconcile(stray.requestId())) {
                continue;
            }
            fence.withdrawing(stray.grantId());
            List<String> done = target.withdraw(stray.grantId(), requesterOf(stray, held));
            meters.counter(DROPPED, "target", target.name()).increment();
            log.warn("Reconciliation dropped grant {} (request {}, expires {}) from target {}: no running grant "
                    + "of Lapse holds it; {}", stray.grantId(), stray.requestId(), stray.expiresAt(),
                    target.name(), done);
        }
        for (GrantSpec missing : plan.restore()) {
            if (!fence.mayReconcile(missing.requestId())) {
                continue;
            }
            Provisioning outcome = fence.restoreUnlessWithdrawn(missing.grantId(), () -> target.provision(missing));
            if (outcome == null) {
                continue; // its withdrawal is under way: the state read before it is out of date
            }
            Counter restored = meters.counter(RESTORED, "target", target.name());
            restored.increment();
            log.warn("Reconciliation restored grant {} (request {}, until {}) in target {}: its objects were "
                    + "missing; {}", missing.grantId(), missing.requestId(), missing.expiresAt(), target.name(),
                    outcome);
        }
        // A line when it changed something; a quiet run is only worth a line at DEBUG, once per interval.
        if (plan.isEmpty()) {
            log.debug("Reconciled target {}: {} grants present, {} provisioned, {} overdue", target.name(),
                    present.size(), mine.size(), plan.overdue().size());
        } else {
            log.info("Reconciled target {}: {} grants present, {} provisioned, {} dropped, {} restored, {} overdue",
                    target.name(), present.size(), mine.size(), plan.drop().size(), plan.restore().size(),
                    plan.overdue().size());
        }
    }

    private static String requesterOf(PresentGrant grant, Map<String, AccessGranted> held) {
        AccessGranted granted = grant.requestId() == null ? null : held.get(grant.requestId());
        return granted == null ? "" : granted.getRequester().getId();
    }
}
