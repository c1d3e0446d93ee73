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
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random add/cancel/remove/advance sequences (fixed seed) checked step by step against a naive reference that keeps
 * every entry in a map and sorts on each advance. Keys are mostly UUIDs, as Lapse's request ids are, with some that
 * only look like one and some that do not, so both the compact and the fallback key paths are exercised together.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimingWheelPropertyTest {

    private static final long START_MS = 1000;
    private static final int OPERATIONS = 20_000;
    private static final int KEYS = 500;

    /** The reference model: one record per scheduled key, ordered like the wheel promises. */
    private record Scheduled(String key, long expiresAtMs, int tag, long sequence) {
        Expiry toExpiry() {
            return new Expiry(key, expiresAtMs, tag);
        }
    }

    private static final Comparator<Scheduled> FIRING_ORDER =
            Comparator.comparingLong(Scheduled::expiresAtMs).thenComparingLong(Scheduled::sequence);

    @ParameterizedTest(name = "tickMs={0}, wheelSize={1}")
    @CsvSource({"10, 3", "1, 2", "7, 5", "10, 512", "3, 4", "1000, 2"})
    void randomOperations_matchNaiveReference(long tickMs, int wheelSize) {
        Random random = new Random(42);
        TimingWheel wheel = new TimingWheel(tickMs, wheelSize, START_MS);
        Map<String, Scheduled> reference = new HashMap<>();
        long nowMs = START_MS;
        long sequence = 0;

        for (int op = 0; op < OPERATIONS; op++) {
            String key = key(random.nextInt(KEYS));
            double choice = random.nextDouble();
            if (choice < 0.45) {
                long expiresAtMs = nowMs + randomOffsetMs(random);
                Scheduled previous = reference.put(key, new Scheduled(key, expiresAtMs, op, sequence++));
                assertThat(wheel.add(key, expiresAtMs, op)).as("add(%s) at op %d", key, op)
                        .isEqualTo(Optional.ofNullable(previous).map(Scheduled::toExpiry));
            } else if (choice < 0.55) {
                assertThat(wheel.cancel(key)).as("cancel(%s) at op %d", key, op)
                        .isEqualTo(reference.remove(key) != null);
            } else if (choice < 0.6) {
                assertThat(wheel.remove(key)).as("remove(%s) at op %d", key, op)
                        .isEqualTo(Optional.ofNullable(reference.remove(key)).map(Scheduled::toExpiry));
            } else if (choice < 0.605) {
                int residue = random.nextInt(7);
                List<Expiry> expected = reference.values().stream().filter(s -> s.key().length() % 7 == residue)
                        .map(Scheduled::toExpiry).toList();
                expected.forEach(expiry -> reference.remove(expiry.key()));
                assertThat(wheel.removeIf(k -> k.length() % 7 == residue)).as("removeIf at op %d", op)
                        .containsExactlyInAnyOrderElementsOf(expected);
            } else {
                nowMs += randomAdvanceMs(random);
                List<Expiry> expected = fireReference(reference, nowMs);
                assertThat(wheel.advanceTo(nowMs)).as("advanceTo(%d) at op %d", nowMs, op).isEqualTo(expected);
            }
            assertThat(wheel.size()).isEqualTo(reference.size());
            assertThat(wheel.contains(key)).isEqualTo(reference.containsKey(key));
            Scheduled scheduled = reference.get(key);
            assertThat(wheel.get(key)).isEqualTo(Optional.ofNullable(scheduled).map(Scheduled::toExpiry));
            assertNextExpiryIsLowerBound(wheel, reference);
        }

        List<Expiry> rest = fireReference(reference, Long.MAX_VALUE);
        assertThat(wheel.advanceTo(Long.MAX_VALUE)).isEqualTo(rest);
        assertThat(wheel.size()).isZero();
    }

    @ParameterizedTest(name = "tickMs={0}, wheelSize={1}")
    @CsvSource({"10, 3", "1, 2", "7, 5", "10, 512"})
    void driverWakingAtNextExpiryBucket_firesEveryEntryAtItsExactMillisecond(long tickMs, int wheelSize) {
        Random random = new Random(42);
        TimingWheel wheel = new TimingWheel(tickMs, wheelSize, START_MS);
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            long expiresAtMs = START_MS + 1 + random.nextInt(random.nextBoolean() ? 500 : 200_000);
            wheel.add(key(i), expiresAtMs, i);
            expected.put(key(i), expiresAtMs);
        }

        Map<String, Long> firedAt = new HashMap<>();
        for (OptionalLong next = wheel.nextExpiryBucketMs(); next.isPresent(); next = wheel.nextExpiryBucketMs()) {
            long nowMs = Math.max(next.getAsLong(), wheel.currentTimeMs());
            for (Expiry expiry : wheel.advanceTo(nowMs)) {
                assertThat(firedAt.put(expiry.key(), nowMs)).isNull();
            }
        }

        assertThat(firedAt).isEqualTo(expected);
    }

    /**
     * Many more operations over many more keys, against a reference ordered the way the wheel promises: a TreeMap
     * from (expiry, sequence) to key. Checks every advance and the size; the test above checks the rest per step.
     */
    @ParameterizedTest(name = "tickMs={0}, wheelSize={1}")
    @CsvSource({"10, 512", "1, 4", "10, 3"})
    void manyOperations_matchOrderedReference(long tickMs, int wheelSize) {
        Random random = new Random(7);
        TimingWheel wheel = new TimingWheel(tickMs, wheelSize, START_MS);
        TreeMap<long[], Scheduled> byFiringOrder = new TreeMap<>(
                Comparator.<long[]>comparingLong(k -> k[0]).thenComparingLong(k -> k[1]));
        Map<String, Scheduled> byKey = new HashMap<>();
        long nowMs = START_MS;
        long sequence = 0;
        for (int op = 0; op < 300_000; op++) {
            String key = key(random.nextInt(20_000));
            int choice = random.nextInt(10);
            if (choice < 5) {
                Scheduled replaced = byKey.remove(key);
                if (replaced != null) {
                    byFiringOrder.remove(new long[] {replaced.expiresAtMs(), replaced.sequence()});
                }
                Scheduled scheduled = new Scheduled(key, nowMs + randomOffsetMs(random), op, sequence++);
                wheel.add(key, scheduled.expiresAtMs(), op);
                byKey.put(key, scheduled);
                byFiringOrder.put(new long[] {scheduled.expiresAtMs(), scheduled.sequence()}, scheduled);
            } else if (choice < 7) {
                Scheduled cancelled = byKey.remove(key);
                if (cancelled != null) {
                    byFiringOrder.remove(new long[] {cancelled.expiresAtMs(), cancelled.sequence()});
                }
                assertThat(wheel.cancel(key)).isEqualTo(cancelled != null);
            } else {
                nowMs += randomAdvanceMs(random) / 10;
                List<Expiry> expected = new ArrayList<>();
                while (!byFiringOrder.isEmpty() && byFiringOrder.firstKey()[0] <= nowMs) {
                    Scheduled due = byFiringOrder.pollFirstEntry().getValue();
                    byKey.remove(due.key());
                    expected.add(due.toExpiry());
                }
                assertThat(wheel.advanceTo(nowMs)).as("advanceTo(%d) at op %d", nowMs, op).isEqualTo(expected);
            }
            assertThat(wheel.size()).isEqualTo(byKey.size());
        }
    }

    /** Mostly canonical UUIDs; every tenth key is another string, some of them almost UUIDs. */
    private static String key(int i) {
        String uuid = new UUID(0x5eed_0000_0000_4000L + i * 0x1_0000_0001L, 0x9000_0000_0000_0000L ^ (i * 31L))
                .toString();
        return switch (i % 10) {
            case 3 -> "k" + i;
            case 7 -> uuid.toUpperCase();
            default -> uuid;
        };
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

    private static List<Expiry> fireReference(Map<String, Scheduled> reference, long nowMs) {
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

    private static void assertNextExpiryIsLowerBound(TimingWheel wheel, Map<String, Scheduled> reference) {
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
