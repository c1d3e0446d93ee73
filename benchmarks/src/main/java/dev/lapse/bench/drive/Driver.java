package dev.lapse.bench.drive;

import dev.lapse.bench.load.BacklogRule;
import dev.lapse.bench.load.Schedule;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers items to a {@link Target} on one thread (the caller's) and waits for them to be seen done: a burst as fast
 * as the target takes it, or an open-loop {@link Schedule} for a window. Each item gets a random UUID as its id (a
 * record key, a request id) and is registered with {@link Completions} before it is submitted.
 */
public final class Driver {

    private static final Logger log = LoggerFactory.getLogger(Driver.class);

    /** How long {@link #settle} waits at most for the JVM to go quiet after a burst. */
    public static final Duration SETTLE_CAP = Duration.ofSeconds(10);

    /**
     * How long a latency trial waits at most for the JVM to come to rest first: after an overloaded trial the audit
     * sink and the read model, which trail the grants, can take tens of seconds to catch up, and a trial run meanwhile
     * measures their backlog rather than the request's path.
     */
    public static final Duration REST_CAP = Duration.ofSeconds(30);

    private static final long SAMPLE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long QUIET_WINDOW_MS = 250;
    private static final long IDLE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final Target target;
    private final Completions completions;

    public Driver(Target target, Completions completions) {
        this.target = target;
        this.completions = completions;
    }

    /**
     * Submits {@code count} items as fast as the target takes them, then waits until every one is done or failed,
     * or {@code cap} after the start. The trial's {@link Trial#drainedPerSecond()} is the burst's drain rate.
     */
    public Trial burst(String name, int count, Duration cap) {
        long start = System.nanoTime();
        Trial trial = new Trial(name, start);
        for (int i = 0; i < count; i++) {
            submit(trial, System.nanoTime());
        }
        trial.offerEnded(System.nanoTime(), null);
        awaitDone(trial, start + cap.toNanos());
        return trial;
    }

    /**
     * Offers items on {@code schedule} for {@code window}, sampling the backlog four times a second, and stops early
     * once the backlog passes the rule's bound. Does not wait for what is still in flight: see {@link #drain}.
     */
    public Trial offer(String name, Schedule schedule, Duration window, BacklogRule rule) {
        long start = System.nanoTime();
        Trial trial = new Trial(name, start);
        long windowNanos = window.toNanos();
        long last = schedule.dueBy(windowNanos - 1);
        long sent = 0;
        long nextSample = SAMPLE_EVERY_NANOS;
        @Nullable Long stoppedAtMs = null;
        while (stoppedAtMs == null) {
            long elapsed = System.nanoTime() - start;
            if (elapsed >= windowNanos) {
                break;
            }
            long due = Math.min(schedule.dueBy(elapsed), last);
            while (sent < due && stoppedAtMs == null) {
                submit(trial, start + schedule.dueAtNanos(sent));
                sent++;
                stoppedAtMs = stopIfOverflowing(trial, schedule, rule, start, sent, last);
            }
            if (stoppedAtMs == null) {
                stoppedAtMs = stopIfOverflowing(trial, schedule, rule, start, sent, last);
            }
            if (stoppedAtMs == null && elapsed >= nextSample) {
                trial.sample(TimeUnit.NANOSECONDS.toMillis(elapsed), backlog(trial, schedule, start, sent, last));
                nextSample += SAMPLE_EVERY_NANOS;
            }
            LockSupport.parkNanos(IDLE_NANOS);
        }
        // A driver that fell behind still offers every item due within the window, each from its due moment.
        while (stoppedAtMs == null && sent < last) {
            submit(trial, start + schedule.dueAtNanos(sent));
            sent++;
        }
        trial.offerEnded(System.nanoTime(), stoppedAtMs);
        return trial;
    }

    // Items due but not yet submitted count too: a target that blocks must not hide a growing backlog.
    private static long backlog(Trial trial, Schedule schedule, long start, long sent, long last) {
        long due = Math.min(schedule.dueBy(System.nanoTime() - start), last);
        return trial.backlog() + Math.max(0, due - sent);
    }

    private static @Nullable Long stopIfOverflowing(Trial trial, Schedule schedule, BacklogRule rule, long start,
            long sent, long last) {
        long backlog = backlog(trial, schedule, start, sent, last);
        if (!rule.overflows(backlog)) {
            return null;
        }
        long atMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        trial.sample(atMs, backlog);
        return atMs;
    }

    /** Waits until every item of the trial is done or failed, at most {@code cap}; false when some were not. */
    public boolean drain(Trial trial, Duration cap) {
        return awaitDone(trial, System.nanoTime() + cap.toNanos());
    }

    /**
     * After {@link #drain}: waits until this JVM's threads have gone quiet (under a quarter of one core for a quarter
     * second), at most {@code cap}, and charges the CPU used until then to the trial ({@link Trial#cpuPerItem}); if
     * it never went quiet, the trial is charged up to the cap.
     */
    public void settle(Trial trial, Duration cap) {
        Quiet quiet = awaitQuiet(cap);
        trial.settled(quiet.cpuNanos(), quiet.compilerNanos());
    }

    /**
     * How a wait for the JVM to go quiet ended: whether it did, after how long, and the JVM's CPU time and its JIT
     * compiler threads' then ({@link ProcessCpu}).
     */
    public record Quiet(boolean quiet, long waitedMs, long cpuNanos, long compilerNanos) {

        /** How the wait ended, as the end of a latency row's note ("; started after 0.3 s for the JVM to ..."). */
        public String note() {
            return quiet ? String.format(Locale.ROOT, "; started after %.1f s for the JVM to come to rest",
                    waitedMs / 1000.0) : String.format(Locale.ROOT, "; the JVM was still busy after %.0f s (what an"
                            + " earlier trial left shared the cores)", waitedMs / 1000.0);
        }
    }

    /**
     * Waits until this JVM's threads have gone quiet (as {@link #settle} does), at most {@code cap}, so that a
     * latency trial does not share the cores with what an earlier trial left to do (the audit sink's and the read
     * model's backlog after an overload).
     */
    public Quiet awaitQuiet(Duration cap) {
        long start = System.nanoTime();
        long deadline = start + cap.toNanos();
        long windowNanos = TimeUnit.MILLISECONDS.toNanos(QUIET_WINDOW_MS);
        long cpu = ProcessCpu.nanos();
        long compiler = ProcessCpu.compilerNanos();
        boolean quiet = false;
        while (!quiet && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(windowNanos);
            long now = ProcessCpu.nanos();
            quiet = now - cpu < windowNanos / 4;
            if (!quiet) {
                cpu = now;
                compiler = ProcessCpu.compilerNanos();
            }
        }
        // Whether what comes next had the cores to itself: a trial after a busy cap shares them with leftovers.
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        log.info(quiet ? "The JVM went quiet after {} ms" : "The JVM was still busy after {} ms; going on", waitedMs);
        return new Quiet(quiet, waitedMs, cpu, compiler);
    }

    private void submit(Trial trial, long dueNanos) {
        String id = UUID.randomUUID().toString();
        completions.expect(id, trial, dueNanos);
        target.submit(id);
    }

    private static boolean awaitDone(Trial trial, long deadlineNanos) {
        while (trial.backlog() > 0) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }
}
