package dev.lapse.revoker.wheel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour of the wheel with small numbers (start 1000, tick 10, size 3 or 5), so that a few hundred
 * milliseconds already reach the overflow levels. The class timeout turns a wheel that loops forever into a failure.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimingWheelTest {

    private static final long START_MS = 1000;
    private static final String UUID_A = "0b5c6a1e-3f4d-4a8b-9c2d-7e6f5a4b3c2d";
    private static final String UUID_B = "f47ac10b-58cc-4372-a567-0e02b2c3d479";

    private final TimingWheel wheel = new TimingWheel(10, 5, START_MS);

    private static List<String> keys(List<Expiry> expiries) {
        return expiries.stream().map(Expiry::key).toList();
    }

    @Test
    void constructor_whenTickMsBelowOne_throws() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TimingWheel(0, 5, START_MS))
                .withMessage("tickMs must be >= 1, was 0");
    }

    @Test
    void constructor_whenWheelSizeBelowTwo_throws() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TimingWheel(10, 1, START_MS))
                .withMessage("wheelSize must be >= 2, was 1");
    }

    @Test
    void constructor_whenStartNegative_throws() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TimingWheel(10, 5, -1))
                .withMessage("startMs must be >= 0 (epoch milliseconds), was -1");
    }

    @Test
    void constructor_startsEmptyAtStartTime() {
        assertThat(wheel.size()).isZero();
        assertThat(wheel.currentTimeMs()).isEqualTo(START_MS);
        assertThat(wheel.nextExpiryBucketMs()).isEmpty();
        assertThat(wheel.levelCount()).isEqualTo(1);
    }

    @Test
    void add_whenKeyNull_throws() {
        assertThatNullPointerException().isThrownBy(() -> wheel.add(null, 1100, 0)).withMessage("key");
        assertThat(wheel.size()).isZero();
    }

    @Test
    void cancelAndContains_whenKeyNull_throw() {
        assertThatNullPointerException().isThrownBy(() -> wheel.cancel(null)).withMessage("key");
        assertThatNullPointerException().isThrownBy(() -> wheel.contains(null)).withMessage("key");
    }

    @Test
    void advanceTo_whenTimeGoesBackwards_throws() {
        wheel.advanceTo(1500);
        assertThatIllegalArgumentException().isThrownBy(() -> wheel.advanceTo(1499))
                .withMessage("nowMs must not go backwards: was 1499, currentTimeMs is 1500");
        assertThat(wheel.currentTimeMs()).isEqualTo(1500);
    }

    @Test
    void advanceTo_firesExactlyAtExpiry_notBefore() {
        wheel.add("a", 1234, 7);

        assertThat(wheel.advanceTo(1233)).isEmpty();
        assertThat(wheel.contains("a")).isTrue();
        assertThat(wheel.advanceTo(1234)).containsExactly(new Expiry("a", 1234, 7));
        assertThat(wheel.advanceTo(5000)).isEmpty();
    }

    @Test
    void advanceTo_whenExpiryInsideCurrentTick_waitsForExactMillisecond() {
        wheel.advanceTo(1003);
        wheel.add("soon", 1008, 0);

        assertThat(wheel.advanceTo(1007)).isEmpty();
        assertThat(wheel.advanceTo(1008)).extracting(Expiry::key).containsExactly("soon");
    }

    @Test
    void advanceTo_whenJumpingPastExpiry_firesWithOriginalExpiry() {
        wheel.add("a", 1234, 0);

        assertThat(wheel.advanceTo(9999)).containsExactly(new Expiry("a", 1234, 0));
    }

    @Test
    void add_whenOverdue_firesAtNextAdvanceEvenWithoutTimeMoving() {
        wheel.advanceTo(1100);
        wheel.add("late", 1050, 0);
        wheel.add("now", 1100, 0);

        assertThat(wheel.size()).isEqualTo(2);
        assertThat(wheel.nextExpiryBucketMs()).hasValue(1050);
        assertThat(keys(wheel.advanceTo(1100))).containsExactly("late", "now");
        assertThat(wheel.size()).isZero();
    }

    @Test
    void add_whenExpiryFarInThePast_isStillOverdue() {
        wheel.add("ancient", 0, 0);

        assertThat(keys(wheel.advanceTo(START_MS))).containsExactly("ancient");
    }

    @Test
    void advanceTo_whenEntryInOverflowLevel() {
        wheel.add("a", 1234, 0);

        assertThat(wheel.levelCount()).isEqualTo(2);
        assertThat(wheel.nextExpiryBucketMs()).hasValue(1200);
        assertThat(wheel.advanceTo(1200)).isEmpty();
        assertThat(wheel.nextExpiryBucketMs()).hasValue(1230);
        assertThat(wheel.advanceTo(1233)).isEmpty();
        assertThat(wheel.nextExpiryBucketMs()).hasValue(1234);
        assertThat(keys(wheel.advanceTo(1234))).containsExactly("a");
    }

    @Test
    void advanceTo_cascadesFromLevelThreeDownToLevelZero() {
        TimingWheel small = new TimingWheel(10, 3, START_MS);
        small.add("x", 1500, 0);
        assertThat(small.levelCount()).isEqualTo(4);

        List<Long> wakeUps = new ArrayList<>();
        List<Expiry> fired = List.of();
        while (fired.isEmpty()) {
            long wakeUpMs = small.nextExpiryBucketMs().orElseThrow();
            wakeUps.add(wakeUpMs);
            fired = small.advanceTo(wakeUpMs);
        }

        // Level 3 slot [1350, 1620), then level 2 slot [1440, 1530), then level 1 slot [1500, 1530).
        assertThat(wakeUps).containsExactly(1350L, 1440L, 1500L);
        assertThat(fired).containsExactly(new Expiry("x", 1500, 0));
        assertThat(small.currentTimeMs()).isEqualTo(1500);
    }

    @Test
    void advanceTo_cascadedEntriesDoNotFireEarly() {
        TimingWheel small = new TimingWheel(10, 3, START_MS);
        small.add("x", 1500, 0);

        assertThat(small.advanceTo(1499)).isEmpty();
        assertThat(keys(small.advanceTo(1500))).containsExactly("x");
    }

    @Test
    void cancel_removesScheduledEntry() {
        wheel.add("a", 1234, 0);
        wheel.add("b", 1300, 0);

        assertThat(wheel.cancel("a")).isTrue();
        assertThat(wheel.cancel("a")).isFalse();
        assertThat(wheel.contains("a")).isFalse();
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(keys(wheel.advanceTo(2000))).containsExactly("b");
    }

    @Test
    void cancel_whenUnknownOrAlreadyFired_returnsFalse() {
        wheel.add("a", 1010, 0);
        wheel.advanceTo(1010);

        assertThat(wheel.cancel("a")).isFalse();
        assertThat(wheel.cancel("never")).isFalse();
    }

    @Test
    void cancel_whenEntryIsOverdue_preventsFiring() {
        wheel.advanceTo(1100);
        wheel.add("late", 1050, 0);

        assertThat(wheel.cancel("late")).isTrue();
        assertThat(wheel.advanceTo(1100)).isEmpty();
        assertThat(wheel.nextExpiryBucketMs()).isEmpty();
    }

    @Test
    void nextExpiryBucketMs_afterIdleJump_isMeasuredFromNewTime() {
        wheel.advanceTo(1500);
        wheel.add("soon", 1505, 0);
        wheel.add("later", 1600, 0);

        assertThat(wheel.nextExpiryBucketMs()).hasValue(1505);
        assertThat(keys(wheel.advanceTo(1505))).containsExactly("soon");
        assertThat(wheel.nextExpiryBucketMs()).hasValue(1600);
    }

    @Test
    void nextExpiryBucketMs_skipsBucketsEmptiedByCancel() {
        wheel.add("a", 1100, 0);
        wheel.add("b", 1300, 0);
        assertThat(wheel.nextExpiryBucketMs()).hasValue(1100);

        wheel.cancel("a");

        assertThat(wheel.nextExpiryBucketMs()).hasValue(1250);
        wheel.cancel("b");
        assertThat(wheel.nextExpiryBucketMs()).isEqualTo(OptionalLong.empty());
    }

    @Test
    void add_whenKeyAlreadyScheduled_reschedulesEarlier() {
        assertThat(wheel.add("k", 1200, 1)).isEmpty();
        assertThat(wheel.add("k", 1100, 2)).hasValue(new Expiry("k", 1200, 1));

        assertThat(wheel.size()).isEqualTo(1);
        assertThat(wheel.advanceTo(1150)).containsExactly(new Expiry("k", 1100, 2));
        assertThat(wheel.advanceTo(1300)).isEmpty();
    }

    @Test
    void add_whenKeyAlreadyScheduled_reschedulesLater() {
        wheel.add("k", 1100, 1);
        wheel.add("k", 1400, 2);

        assertThat(wheel.advanceTo(1399)).isEmpty();
        assertThat(wheel.advanceTo(1400)).containsExactly(new Expiry("k", 1400, 2));
    }

    @Test
    void add_whenOverdueKeyRescheduledIntoFuture_doesNotFireNow() {
        wheel.advanceTo(1100);
        wheel.add("k", 1050, 1);
        wheel.add("k", 1150, 2);

        assertThat(wheel.advanceTo(1100)).isEmpty();
        assertThat(wheel.advanceTo(1150)).containsExactly(new Expiry("k", 1150, 2));
    }

    @Test
    void add_whenRescheduledToSameTime_movesToBackOfTies() {
        wheel.add("a", 1100, 0);
        wheel.add("b", 1100, 0);
        wheel.add("a", 1100, 0);

        assertThat(keys(wheel.advanceTo(1100))).containsExactly("b", "a");
    }

    @Test
    void advanceTo_whenManyEntriesInSameBucket_firesEachAtItsMillisecond() {
        for (int i = 0; i < 1000; i++) {
            wheel.add("k" + i, 1240 + (i * 7) % 10, i);
        }
        for (int i = 0; i < 1000; i += 3) {
            wheel.cancel("k" + i);
        }

        int fired = 0;
        for (long nowMs = 1239; nowMs <= 1249; nowMs++) {
            for (Expiry expiry : wheel.advanceTo(nowMs)) {
                assertThat(expiry.expiresAtMs()).isEqualTo(nowMs);
                fired++;
            }
        }
        assertThat(fired).isEqualTo(666);
        assertThat(wheel.size()).isZero();
    }

    @Test
    void advanceTo_ordersByExpiryThenInsertion() {
        wheel.add("late", 1900, 0);
        wheel.add("tie-1", 1234, 0);
        wheel.add("mid", 1300, 0);
        wheel.add("tie-2", 1234, 0);
        wheel.add("early", 1001, 0);
        wheel.add("tie-3", 1234, 0);

        assertThat(keys(wheel.advanceTo(2000))).containsExactly("early", "tie-1", "tie-2", "tie-3", "mid", "late");
    }

    @Test
    void sizeAndContains_trackAddsFiresAndCancels() {
        wheel.add("a", 1100, 0);
        wheel.add("b", 1200, 0);
        wheel.add("c", 1300, 0);
        assertThat(wheel.size()).isEqualTo(3);

        wheel.advanceTo(1150);
        assertThat(wheel.contains("a")).isFalse();
        assertThat(wheel.size()).isEqualTo(2);

        wheel.cancel("b");
        assertThat(wheel.contains("b")).isFalse();
        assertThat(wheel.contains("c")).isTrue();
        assertThat(wheel.size()).isEqualTo(1);

        wheel.advanceTo(1300);
        assertThat(wheel.size()).isZero();
    }

    @Test
    void get_returnsTheScheduleOnlyWhileScheduled() {
        wheel.add("a", 1100, 1);
        wheel.add("a", 1200, 2);
        wheel.add("b", 1200, 0);

        assertThat(wheel.get("a")).hasValue(new Expiry("a", 1200, 2));
        assertThat(wheel.get("never")).isEmpty();
        wheel.cancel("b");
        assertThat(wheel.get("b")).isEmpty();
        wheel.advanceTo(1200);
        assertThat(wheel.get("a")).isEmpty();
        assertThatNullPointerException().isThrownBy(() -> wheel.get(null)).withMessage("key");
    }

    @Test
    void advanceTo_whenThirtyDaysAhead_firesExactly() {
        long startMs = 1_700_000_000_000L;
        long thirtyDaysMs = Duration.ofDays(30).toMillis();
        TimingWheel production = new TimingWheel(10, 512, startMs);
        production.add("month", startMs + thirtyDaysMs, 0);
        production.add("minute", startMs + 60_000, 0);

        assertThat(keys(production.advanceTo(startMs + Duration.ofDays(1).toMillis()))).containsExactly("minute");
        assertThat(production.advanceTo(startMs + thirtyDaysMs - 1)).isEmpty();
        assertThat(keys(production.advanceTo(startMs + thirtyDaysMs))).containsExactly("month");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void advanceTo_whenJumpingTenYearsWithOneMillisecondTicks_visitsOnlyNonEmptyBuckets() {
        // 3e11 ticks: walking them one by one would never finish within the timeout.
        long tenYearsMs = Duration.ofDays(3650).toMillis();
        TimingWheel fine = new TimingWheel(1, 2, START_MS);
        for (int i = 0; i < 1000; i++) {
            fine.add("k" + i, START_MS + tenYearsMs / 1000 * i, 0);
        }

        assertThat(fine.advanceTo(START_MS + tenYearsMs)).hasSize(1000);
        assertThat(fine.size()).isZero();
    }

    @Test
    void add_whenExpiryIsLongMaxValue_isHeldUntilThen() {
        TimingWheel small = new TimingWheel(10, 3, START_MS);
        small.add("forever", Long.MAX_VALUE, 0);

        assertThat(small.advanceTo(Long.MAX_VALUE - 1)).isEmpty();
        assertThat(small.contains("forever")).isTrue();
        assertThat(keys(small.advanceTo(Long.MAX_VALUE))).containsExactly("forever");
    }

    @Test
    void advanceTo_returnsUnmodifiableList() {
        wheel.add("a", 1100, 0);

        List<Expiry> fired = wheel.advanceTo(1100);

        assertThat(fired).isUnmodifiable();
    }

    // --- the compact form: UUID keys as longs, other keys beside them, slots reused

    @Test
    void add_whenKeyIsCanonicalUuid_returnsItExactlyAsGiven() {
        wheel.add(UUID_A, 1100, 3);
        wheel.add(UUID_B, 1100, 4);

        assertThat(wheel.otherKeyCount()).isZero();
        assertThat(wheel.get(UUID_A)).hasValue(new Expiry(UUID_A, 1100, 3));
        assertThat(wheel.advanceTo(1100)).containsExactly(new Expiry(UUID_A, 1100, 3), new Expiry(UUID_B, 1100, 4));
    }

    @Test
    void add_whenKeyOnlyLooksLikeUuid_keepsItAsGiven() {
        List<String> keys = List.of(UUID_A.toUpperCase(), "1-2-3-4-5", "00000000-0000-0000-0000-000000000000",
                UUID_A.replace('-', '_'), UUID_A + " ", "req-1", "", "0b5c6a1e-3f4d-4a8b-9c2d-7e6f5a4b3c2g");
        keys.forEach(key -> wheel.add(key, 1100, 0));
        wheel.add(UUID_A, 1100, 0);

        assertThat(wheel.otherKeyCount()).isEqualTo(keys.size());
        assertThat(wheel.size()).isEqualTo(keys.size() + 1);
        keys.forEach(key -> assertThat(wheel.contains(key)).as(key).isTrue());
        assertThat(wheel.cancel("req-1")).isTrue();
        assertThat(wheel.contains("req-1")).isFalse();
        List<String> expected = new ArrayList<>(keys);
        expected.remove("req-1");
        expected.add(UUID_A);
        assertThat(keys(wheel.advanceTo(1100))).containsExactlyElementsOf(expected);
        assertThat(wheel.otherKeyCount()).isZero();
    }

    @Test
    void remove_returnsWhatWasScheduled_once() {
        wheel.add(UUID_A, 1300, 9);

        assertThat(wheel.remove(UUID_A)).hasValue(new Expiry(UUID_A, 1300, 9));
        assertThat(wheel.remove(UUID_A)).isEmpty();
        assertThat(wheel.size()).isZero();
        assertThat(wheel.advanceTo(2000)).isEmpty();
    }

    @Test
    void removeIf_removesOnlyMatchingKeys_andReturnsThem() {
        wheel.add(UUID_A, 1100, 1);
        wheel.add(UUID_B, 1100, 2);
        wheel.add("p0-x", 1100, 3);
        wheel.add("p1-y", 1100, 4);

        assertThat(wheel.removeIf(key -> key.startsWith("p0-") || key.equals(UUID_B)))
                .containsExactlyInAnyOrder(new Expiry(UUID_B, 1100, 2), new Expiry("p0-x", 1100, 3));
        assertThat(keys(wheel.advanceTo(1100))).containsExactly(UUID_A, "p1-y");
    }

    @Test
    void cancel_freesTheSlot_soChurnNeverGrowsTheArrays() {
        for (int i = 0; i < 1000; i++) {
            wheel.add(uuid(i), 1100 + i, i);
        }
        int capacity = wheel.slotCapacity();

        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 1000; i++) {
                assertThat(wheel.cancel(uuid(i + 1000 * round))).isTrue();
                wheel.add(uuid(i + 1000 * (round + 1)), 1100 + i, i);
            }
        }

        assertThat(wheel.slotCapacity()).isEqualTo(capacity);
        assertThat(wheel.size()).isEqualTo(1000);
        assertThat(keys(wheel.advanceTo(1100))).containsExactly(uuid(20_000));
    }

    @Test
    void firing_freesTheSlot_forTheNextAdd() {
        for (int i = 0; i < 500; i++) {
            wheel.add(uuid(i), 1100, i);
        }
        int capacity = wheel.slotCapacity();
        assertThat(wheel.advanceTo(1100)).hasSize(500);

        for (int i = 500; i < 1000; i++) {
            wheel.add(uuid(i), 1200, i);
        }

        assertThat(wheel.slotCapacity()).isEqualTo(capacity);
    }

    @Test
    void add_whenArraysGrow_keepsEveryEntryAndItsOrder() {
        TimingWheel fresh = new TimingWheel(10, 5, START_MS);
        int initial = fresh.slotCapacity();
        int count = 100_000;
        for (int i = 0; i < count; i++) {
            fresh.add(uuid(i), START_MS + 1 + (i * 7919L) % 50_000, i);
        }

        assertThat(fresh.slotCapacity()).isGreaterThan(initial);
        assertThat(fresh.size()).isEqualTo(count);
        List<Expiry> fired = fresh.advanceTo(START_MS + 50_000);
        assertThat(fired).hasSize(count);
        assertThat(fired).isSortedAccordingTo((a, b) -> Long.compare(a.expiresAtMs(), b.expiresAtMs()));
        assertThat(fired).allSatisfy(expiry -> assertThat(expiry.key()).isEqualTo(uuid(expiry.tag())));
        assertThat(fresh.size()).isZero();
    }

    @Test
    void constructor_withExpectedEntries_needsNoGrowthUpToThem() {
        TimingWheel sized = new TimingWheel(10, 5, START_MS, 10_000);
        int capacity = sized.slotCapacity();
        assertThat(sized.keyTableLength()).isEqualTo(32_768);
        for (int i = 0; i < 10_000; i++) {
            sized.add(uuid(i), START_MS + 100, i);
        }

        assertThat(sized.slotCapacity()).isEqualTo(capacity);
        assertThat(sized.keyTableLength()).isEqualTo(32_768);
    }

    private static String uuid(int i) {
        return new UUID(0x1234_5678_9abc_4defL, 0x8000_0000_0000_0000L | i).toString();
    }
}
