package dev.lapse.request.notify;

import java.time.Duration;

/**
 * How long a failed delivery waits before its next attempt: exponential with "equal jitter". After the n-th failed
 * attempt the base wait is {@code min(max, initial × 2^(n-1))}, and the wait is half the base plus a random part of
 * the other half, so receivers that come back are not hit by every sender at the same instant, yet no wait is
 * shorter than half its base. After {@code maxAttempts} attempts a delivery is given up.
 *
 * <p>Worked example, initial 1 s, max 60 s, 8 attempts: base waits 1, 2, 4, 8, 16, 32, 60 s between the 8 attempts;
 * actual waits 0.5–1, 1–2, 2–4, 4–8, 8–16, 16–32, 30–60 s; the last attempt comes 61.5–123 s after the first.
 *
 * @param initial the base wait after the first failed attempt
 * @param max the longest base wait
 * @param maxAttempts how many attempts a delivery gets, the first included
 */
public record Backoff(Duration initial, Duration max, int maxAttempts) {

    public Backoff {
        if (initial.toMillis() < 1) {
            throw new IllegalArgumentException("initial must be at least 1 ms, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be at least initial (" + initial + "), got " + max);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    /**
     * The wait after {@code failedAttempts} attempts have failed.
     *
     * @param failedAttempts how many attempts failed so far, at least 1
     * @param jitter a random number in [0, 1): where in the upper half of the base wait this wait falls
     */
    public long delayMs(int failedAttempts, double jitter) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be at least 1, got " + failedAttempts);
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
        }
        long baseMs = baseMs(failedAttempts);
        long halfMs = baseMs / 2;
        return baseMs - halfMs + (long) (jitter * halfMs);
    }

    /** Whether a delivery that has had {@code attempts} attempts gets no more. */
    public boolean exhausted(int attempts) {
        return attempts >= maxAttempts;
    }

    private long baseMs(int failedAttempts) {
        long maxMs = max.toMillis();
        long baseMs = initial.toMillis();
        // Doubling stops at max, so a large attempt count never overflows.
        for (int i = 1; i < failedAttempts && baseMs < maxMs; i++) {
            baseMs = Math.min(maxMs, baseMs * 2);
        }
        return Math.min(baseMs, maxMs);
    }
}
