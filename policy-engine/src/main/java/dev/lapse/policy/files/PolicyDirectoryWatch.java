package dev.lapse.policy.files;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reloads the policies when their files change: every {@code interval} it compares a fingerprint of the files
 * (names and contents, {@link PolicyFiles#fingerprint()}) with the one it last saw, and reloads on a difference.
 * Polling rather than a {@code WatchService}: it sees edits on every file system (network mounts, a Kubernetes
 * ConfigMap's symlink swap) and costs one read of a few small files per interval. A failed reload is not retried
 * until the files change again (or the endpoint asks): the same files would fail the same way.
 */
final class PolicyDirectoryWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PolicyDirectoryWatch.class);

    private final LoadedPolicies policies;
    private final Duration interval;
    private @Nullable ScheduledExecutorService executor;
    private @Nullable String seen;

    PolicyDirectoryWatch(LoadedPolicies policies, Duration interval) {
        this.policies = policies;
        this.interval = interval;
    }

    /** Compares the files with what was seen last and reloads when they changed; what the timer calls. */
    void check() {
        String now = policies.files().fingerprint();
        if (now == null || Objects.equals(now, seen)) {
            return; // unreadable right now (an editor's save in progress, a swap): the next check sees it
        }
        boolean first = seen == null;
        seen = now;
        if (!first) {
            policies.reload();
        }
    }

    @Override
    public synchronized void start() {
        if (!(policies.files() instanceof PolicyFiles.Directory)) {
            return; // the bundled set does not change while the service runs
        }
        check();
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "policy-directory-watch");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::checkSafely, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("Watching {} for changes every {}", policies.files().describe(), interval);
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("Checking {} for changes failed: {}", policies.files().describe(), e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
