package dev.lapse.revoker.wheel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
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

    private final TimingWheel<String> wheel = new TimingWheel<>(10, 5, START_MS);

    private static List<String> keys(List<Expiry<String>> expiries) {
        return expiries.stream().map(Expiry::key).toList();
    }

    @Test
    void constructor_whenTickMsBelowOne_throws() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TimingWheel<String>(0, 5, START_MS))
                .withMessage("tickMs must be >= 1, was 0");
    }

    @Test
    void constructor_whenWheelSizeBelowTwo_throws() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TimingWheel<String>(10, 1, START_MS))
                .withMessage("wheelSize must be >= 2, was 1");
    }

    @Test
    void constructor_whenStartNegative_throws() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TimingWheel<String>(10, 5, -1))
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
    void add_whenKeyOrPayloadNull_throws() {
        assertThatNullPointerException().isThrownBy(() -> wheel.add(null, 1100, "p")).withMessage("key");
        assertThatNullPointerException().isThrownBy(() -> wheel.add("k", 1100, null)).withMessage("payload");
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
        wheel.add("a", 1234, "grant-a");

        assertThat(wheel.advanceTo(1233)).isEmpty();
        assertThat(wheel.contains("a")).isTrue();
        assertThat(wheel.advanceTo(1234)).containsExactly(new Expiry<>("a", 1234, "grant-a"));
        assertThat(wheel.advanceTo(5000)).isEmpty();
    }

    @Test
    void advanceTo_whenExpiryInsideCurrentTick_waitsForExactMillisecond() {
        wheel.advanceTo(1003);
        wheel.add("soon", 1008, "p");

        assertThat(wheel.advanceTo(1007)).isEmpty();
        assertThat(wheel.advanceTo(1008)).extracting(Expiry::key).containsExactly("soon");
    }

    @Test
    void advanceTo_whenJumpingPastExpiry_firesWithOriginalExpiry() {
        wheel.add("a", 1234, "p");

        assertThat(wheel.advanceTo(9999)).containsExactly(new Expiry<>("a", 1234, "p"));
    }

    @Test
    void add_whenOverdue_firesAtNextAdvanceEvenWithoutTimeMoving() {
        wheel.advanceTo(1100);
        wheel.add("late", 1050, "p");
        wheel.add("now", 1100, "p");

        assertThat(wheel.size()).isEqualTo(2);
        assertThat(wheel.nextExpiryBucketMs()).hasValue(1050);
        assertThat(keys(wheel.advanceTo(1100))).containsExactly("late", "now");
        assertThat(wheel.size()).isZero();
    }

    @Test
    void add_whenExpiryFarInThePast_isStillOverdue() {
        wheel.add("ancient", 0, "p");

        assertThat(keys(wheel.advanceTo(START_MS))).containsExactly("ancient");
    }

    @Test
    void advanceTo_whenEntryInOverflowLevel() {
        wheel.add("a", 1234, "p");

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
        TimingWheel<String> small = new TimingWheel<>(10, 3, START_MS);
        small.add("x", 1500, "p");
        assertThat(small.levelCount()).isEqualTo(4);

        List<Long> wakeUps = new ArrayList<>();
        List<Expiry<String>> fired = List.of();
        while (fired.isEmpty()) {
            long wakeUpMs = small.nextExpiryBucketMs().orElseThrow();
            wakeUps.add(wakeUpMs);
            fired = small.advanceTo(wakeUpMs);
        }

        // Level 3 slot [1350, 1620), then level 2 slot [1440, 1530), then level 1 slot [1500, 1530).
        assertThat(wakeUps).containsExactly(1350L, 1440L, 1500L);
        assertThat(fired).containsExactly(new Expiry<>("x", 1500, "p"));
        assertThat(small.currentTimeMs()).isEqualTo(1500);
    }

    @Test
    void advanceTo_cascadedEntriesDoNotFireEarly() {
        TimingWheel<String> small = new TimingWheel<>(10, 3, START_MS);
        small.add("x", 1500, "p");

        assertThat(small.advanceTo(1499)).isEmpty();
        assertThat(keys(small.advanceTo(1500))).containsExactly("x");
    }

    @Test
    void cancel_removesScheduledEntry() {
        wheel.add("a", 1234, "p");
        wheel.add("b", 1300, "p");

        assertThat(wheel.cancel("a")).isTrue();
        assertThat(wheel.cancel("a")).isFalse();
        assertThat(wheel.contains("a")).isFalse();
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(keys(wheel.advanceTo(2000))).containsExactly("b");
    }

    @Test
    void cancel_whenUnknownOrAlreadyFired_returnsFalse() {
        wheel.add("a", 1010, "p");
        wheel.advanceTo(1010);

        assertThat(wheel.cancel("a")).isFalse();
        assertThat(wheel.cancel("never")).isFalse();
    }

    @Test
    void cancel_whenEntryIsOverdue_preventsFiring() {
        wheel.advanceTo(1100);
        wheel.add("late", 1050, "p");

        assertThat(wheel.cancel("late")).isTrue();
        assertThat(wheel.advanceTo(1100)).isEmpty();
        assertThat(wheel.nextExpiryBucketMs()).isEmpty();
    }

    @Test
    void nextExpiryBucketMs_afterIdleJump_isMeasuredFromNewTime() {
        wheel.advanceTo(1500);
        wheel.add("soon", 1505, "p");
        wheel.add("later", 1600, "p");

        assertThat(wheel.nextExpiryBucketMs()).hasValue(1505);
        assertThat(keys(wheel.advanceTo(1505))).containsExactly("soon");
        assertThat(wheel.nextExpiryBucketMs()).hasValue(1600);
    }

    @Test
    void nextExpiryBucketMs_skipsBucketsEmptiedByCancel() {
        wheel.add("a", 1100, "p");
        wheel.add("b", 1300, "p");
        assertThat(wheel.nextExpiryBucketMs()).hasValue(1100);

        wheel.cancel("a");

        assertThat(wheel.nextExpiryBucketMs()).hasValue(1250);
        wheel.cancel("b");
        assertThat(wheel.nextExpiryBucketMs()).isEqualTo(OptionalLong.empty());
    }

    @Test
    void add_whenKeyAlreadyScheduled_reschedulesEarlier() {
        wheel.add("k", 1200, "old");
        wheel.add("k", 1100, "new");

        assertThat(wheel.size()).isEqualTo(1);
        assertThat(wheel.advanceTo(1150)).containsExactly(new Expiry<>("k", 1100, "new"));
        assertThat(wheel.advanceTo(1300)).isEmpty();
    }

    @Test
    void add_whenKeyAlreadyScheduled_reschedulesLater() {
        wheel.add("k", 1100, "old");
        wheel.add("k", 1400, "new");

        assertThat(wheel.advanceTo(1399)).isEmpty();
        assertThat(wheel.advanceTo(1400)).containsExactly(new Expiry<>("k", 1400, "new"));
    }

    @Test
    void add_whenOverdueKeyRescheduledIntoFuture_doesNotFireNow() {
        wheel.advanceTo(1100);
        wheel.add("k", 1050, "old");
        wheel.add("k", 1150, "new");

        assertThat(wheel.advanceTo(1100)).isEmpty();
        assertThat(wheel.advanceTo(1150)).containsExactly(new Expiry<>("k", 1150, "new"));
    }

    @Test
    void add_whenRescheduledToSameTime_movesToBackOfTies() {
        wheel.add("a", 1100, "p");
        wheel.add("b", 1100, "p");
        wheel.add("a", 1100, "p");

        assertThat(keys(wheel.advanceTo(1100))).containsExactly("b", "a");
    }

    @Test
    void advanceTo_whenManyEntriesInSameBucket_firesEachAtItsMillisecond() {
        for (int i = 0; i < 1000; i++) {
            wheel.add("k" + i, 1240 + (i * 7) % 10, "p" + i);
        }
        for (int i = 0; i < 1000; i += 3) {
            wheel.cancel("k" + i);
        }

        int fired = 0;
        for (long nowMs = 1239; nowMs <= 1249; nowMs++) {
            for (Expiry<String> expiry : wheel.advanceTo(nowMs)) {
                assertThat(expiry.expiresAtMs()).isEqualTo(nowMs);
                fired++;
            }
        }
        assertThat(fired).isEqualTo(666);
        assertThat(wheel.size()).isZero();
    }

    @Test
    void advanceTo_ordersByExpiryThenInsertion() {
        wheel.add("late", 1900, "p");
        wheel.add("tie-1", 1234, "p");
        wheel.add("mid", 1300, "p");
        wheel.add("tie-2", 1234, "p");
        wheel.add("early", 1001, "p");
        wheel.add("tie-3", 1234, "p");

        assertThat(keys(wheel.advanceTo(2000))).containsExactly("early", "tie-1", "tie-2", "tie-3", "mid", "late");
    }

    @Test
    void sizeAndContains_trackAddsFiresAndCancels() {
        wheel.add("a", 1100, "p");
        wheel.add("b", 1200, "p");
        wheel.add("c", 1300, "p");
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
    void get_returnsPayloadOnlyWhileScheduled() {
        wheel.add("a", 1100, "old");
        wheel.add("a", 1200, "new");
        wheel.add("b", 1200, "p");

        assertThat(wheel.get("a")).hasValue("new");
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
        TimingWheel<String> production = new TimingWheel<>(10, 512, startMs);
        production.add("month", startMs + thirtyDaysMs, "p");
        production.add("minute", startMs + 60_000, "p");

        assertThat(keys(production.advanceTo(startMs + Duration.ofDays(1).toMillis()))).containsExactly("minute");
        assertThat(production.advanceTo(startMs + thirtyDaysMs - 1)).isEmpty();
        assertThat(keys(production.advanceTo(startMs + thirtyDaysMs))).containsExactly("month");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void advanceTo_whenJumpingTenYearsWithOneMillisecondTicks_visitsOnlyNonEmptyBuckets() {
        // 3e11 ticks: walking them one by one would never finish within the timeout.
        long tenYearsMs = Duration.ofDays(3650).toMillis();
        TimingWheel<String> fine = new TimingWheel<>(1, 2, START_MS);
        for (int i = 0; i < 1000; i++) {
            fine.add("k" + i, START_MS + tenYearsMs / 1000 * i, "p");
        }

        assertThat(fine.advanceTo(START_MS + tenYearsMs)).hasSize(1000);
        assertThat(fine.size()).isZero();
    }

    @Test
    void add_whenExpiryIsLongMaxValue_isHeldUntilThen() {
        TimingWheel<String> small = new TimingWheel<>(10, 3, START_MS);
        small.add("forever", Long.MAX_VALUE, "p");

        assertThat(small.advanceTo(Long.MAX_VALUE - 1)).isEmpty();
        assertThat(small.contains("forever")).isTrue();
        assertThat(keys(small.advanceTo(Long.MAX_VALUE))).containsExactly("forever");
    }

    @Test
    void advanceTo_returnsUnmodifiableList() {
        wheel.add("a", 1100, "p");

        List<Expiry<String>> fired = wheel.advanceTo(1100);

        assertThat(fired).isUnmodifiable();
    }
}
