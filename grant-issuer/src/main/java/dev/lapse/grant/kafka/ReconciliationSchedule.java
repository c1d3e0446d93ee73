package dev.lapse.grant.kafka;

import dev.lapse.grant.target.Targets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reconciliation at start and every interval, and refreshes the overdue gauge more often, on one thread of its
 * own; a run that fails is logged and the next one runs as planned.
 */
final class ReconciliationSchedule implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReconciliationSchedule.class);

    private final ScheduledExecutorService thread;

    private ReconciliationSchedule(ScheduledExecutorService thread) {
        this.thread = thread;
    }

    static ReconciliationSchedule start(TargetReconciler reconciler, Targets targets, Duration reconcileInterval,
            Duration overdueInterval) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread named = new Thread(task, "lapse-reconciliation");
            named.setDaemon(true);
            return named;
        });
        if (!targets.isEmpty()) {
            thread.scheduleWithFixedDelay(() -> run("reconciliation", reconciler::reconcile), 0,
                    reconcileInterval.toMillis(), TimeUnit.MILLISECONDS);
            thread.scheduleWithFixedDelay(() -> run("overdue count", reconciler::countOverdue),
                    overdueInterval.toMillis(), overdueInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return new ReconciliationSchedule(thread);
    }

    private static void run(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; this one must go on.
            log.warn("Target {} failed, will run again: {}", what, e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
