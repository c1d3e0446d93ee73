package dev.lapse.revoker.wheel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random add/cancel/advance sequences (fixed seed) checked step by step against a naive reference that keeps every
 * entry in a map and sorts on each advance.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimingWheelPropertyTest {

    private static final long START_MS = 1000;
    private static final int OPERATIONS = 5000;
    private static final int KEYS = 200;

    /** The reference model: one record per scheduled key, ordered like the wheel promises. */
    private record Scheduled(String key, long expiresAtMs, int payload, long sequence) {
        Expiry<Integer> toExpiry() {
            return new Expiry<>(key, expiresAtMs, payload);
        }
    }

    private static final Comparator<Scheduled> FIRING_ORDER =
            Comparator.comparingLong(Scheduled::expiresAtMs).thenComparingLong(Scheduled::sequence);

    @ParameterizedTest(name = "tickMs={0}, wheelSize={1}")
    @CsvSource({"10, 3", "1, 2", "7, 5", "10, 512", "3, 4", "1000, 2"})
    void randomOperations_matchNaiveReference(long tickMs, int wheelSize) {
        Random random = new Random(42);
        TimingWheel<Integer> wheel = new TimingWheel<>(tickMs, wheelSize, START_MS);
        Map<String, Scheduled> reference = new HashMap<>();
        long nowMs = START_MS;
        long sequence = 0;

        for (int op = 0; op < OPERATIONS; op++) {
            String key = "k" + random.nextInt(KEYS);
            double choice = random.nextDouble();
            if (choice < 0.45) {
                long expiresAtMs = nowMs + randomOffsetMs(random);
                wheel.add(key, expiresAtMs, op);
                reference.put(key, new Scheduled(key, expiresAtMs, op, sequence++));
            } else if (choice < 0.6) {
                assertThat(wheel.cancel(key)).as("cancel(%s) at op %d", key, op)
                        .isEqualTo(reference.remove(key) != null);
            } else {
                nowMs += randomAdvanceMs(random);
                List<Expiry<Integer>> expected = fireReference(reference, nowMs);
                assertThat(wheel.advanceTo(nowMs)).as("advanceTo(%d) at op %d", nowMs, op).isEqualTo(expected);
            }
            assertThat(wheel.size()).isEqualTo(reference.size());
            assertThat(wheel.contains(key)).isEqualTo(reference.containsKey(key));
            Scheduled scheduled = reference.get(key);
            assertThat(wheel.get(key)).isEqualTo(Optional.ofNullable(scheduled).map(Scheduled::payload));
            assertNextExpiryIsLowerBound(wheel, reference);
        }

        List<Expiry<Integer>> rest = fireReference(reference, Long.MAX_VALUE);
        assertThat(wheel.advanceTo(Long.MAX_VALUE)).isEqualTo(rest);
        assertThat(wheel.size()).isZero();
    }

    @ParameterizedTest(name = "tickMs={0}, wheelSize={1}")
    @CsvSource({"10, 3", "1, 2", "7, 5", "10, 512"})
    void driverWakingAtNextExpiryBucket_firesEveryEntryAtItsExactMillisecond(long tickMs, int wheelSize) {
        Random random = new Random(42);
        TimingWheel<Integer> wheel = new TimingWheel<>(tickMs, wheelSize, START_MS);
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            long expiresAtMs = START_MS + 1 + random.nextInt(random.nextBoolean() ? 500 : 200_000);
            wheel.add("k" + i, expiresAtMs, i);
            expected.put("k" + i, expiresAtMs);
        }

        Map<String, Long> firedAt = new HashMap<>();
        for (OptionalLong next = wheel.nextExpiryBucketMs(); next.isPresent(); next = wheel.nextExpiryBucketMs()) {
            long nowMs = Math.max(next.getAsLong(), wheel.currentTimeMs());
            for (Expiry<Integer> expiry : wheel.advanceTo(nowMs)) {
                assertThat(firedAt.put(expiry.key(), nowMs)).isNull();
            }
        }

        assertThat(firedAt).isEqualTo(expected);
    }

    private static long randomOffsetMs(Random random) {
        int bucket = random.nextInt(100);
        if (bucket < 10) {
            return -random.nextInt(50);
        }
        if (bucket < 70) {
            return random.nextInt(500);
        }
        if (bucket < 90) {
            return random.nextInt(20_000);
        }
        return random.nextInt(5_000_000);
    }

    private static long randomAdvanceMs(Random random) {
        int bucket = random.nextInt(100);
        if (bucket < 50) {
            return random.nextInt(20);
        }
        if (bucket < 80) {
            return random.nextInt(300);
        }
        if (bucket < 95) {
            return random.nextInt(5_000);
        }
        return random.nextInt(2_000_000);
    }

    private static List<Expiry<Integer>> fireReference(Map<String, Scheduled> reference, long nowMs) {
        List<Scheduled> due = new ArrayList<>();
        for (Scheduled scheduled : reference.values()) {
            if (scheduled.expiresAtMs() <= nowMs) {
                due.add(scheduled);
            }
        }
        due.sort(FIRING_ORDER);
        due.forEach(scheduled -> reference.remove(scheduled.key()));
        return due.stream().map(Scheduled::toExpiry).toList();
    }

    private static void assertNextExpiryIsLowerBound(TimingWheel<Integer> wheel, Map<String, Scheduled> reference) {
        OptionalLong next = wheel.nextExpiryBucketMs();
        if (reference.isEmpty()) {
            assertThat(next).isEmpty();
            return;
        }
        long earliestMs = reference.values().stream().mapToLong(Scheduled::expiresAtMs).min().orElseThrow();
        assertThat(next).isPresent();
        assertThat(next.getAsLong()).isLessThanOrEqualTo(earliestMs);
        // A wake-up time that has already passed must mean real work, or a driver would spin.
        long nowMs = wheel.currentTimeMs();
        assertThat(next.getAsLong() <= nowMs).as("next %s, now %d", next, nowMs).isEqualTo(earliestMs <= nowMs);
    }
}
