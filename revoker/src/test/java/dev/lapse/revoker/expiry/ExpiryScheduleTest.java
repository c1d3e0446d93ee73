package dev.lapse.revoker.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExpiryScheduleTest {

    private static final long START_MS = 1_000_000;
    private final ExpirySchedule schedule = new ExpirySchedule(new ExpirySchedule.Options(10, 5), START_MS);

    private static ActiveGrant grant(String requestId, long expiresAtMs) {
        return new ActiveGrant(requestId, "g-" + requestId, "alice", Instant.ofEpochMilli(expiresAtMs));
    }

    // --- watch and advance

    @Test
    void advanceTo_endsAGrantAtItsExpiryAndNotBefore() {
        assertThat(schedule.watch(grant("r1", START_MS + 30_000))).isEqualTo(
                new Effect.Watching(grant("r1", START_MS + 30_000)));

        assertThat(schedule.advanceTo(START_MS + 29_999)).isEmpty();
        assertThat(schedule.advanceTo(START_MS + 30_000)).containsExactly(
                new Ending(grant("r1", START_MS + 30_000), Ending.Reason.TIME_ELAPSED, "expiry time reached"));
        assertThat(schedule.size()).isZero();
    }

    @Test
    void advanceTo_whenExpiryAlreadyPast_endsItAtOnce() {
        schedule.watch(grant("overdue", START_MS - 5_000));

        assertThat(schedule.advanceTo(START_MS)).extracting(ending -> ending.grant().requestId())
                .containsExactly("overdue");
    }

    @Test
    void watch_whenSameRequestAgain_keepsTheFirstExpiry() {
        schedule.watch(grant("r1", START_MS + 10_000));

        assertThat(schedule.watch(grant("r1", START_MS + 3_600_000))).isInstanceOf(Effect.Ignored.class);
        assertThat(schedule.size()).isEqualTo(1);
        assertThat(schedule.advanceTo(START_MS + 10_000)).extracting(ending -> ending.grant().expiresAt())
                .containsExactly(Instant.ofEpochMilli(START_MS + 10_000));
    }

    @Test
    void advanceTo_whenClockStepsBack_waitsInsteadOfFailing() {
        schedule.watch(grant("r1", START_MS + 1_000));
        schedule.advanceTo(START_MS + 500);

        assertThat(schedule.advanceTo(START_MS + 100)).isEmpty();
        assertThat(schedule.advanceTo(START_MS + 1_000)).hasSize(1);
    }

    @Test
    void nextWakeUpMs_isNoLaterThanTheNextExpiry() {
        assertThat(schedule.nextWakeUpMs()).isEmpty();
        schedule.watch(grant("r1", START_MS + 1_234));

        assertThat(schedule.nextWakeUpMs().getAsLong()).isLessThanOrEqualTo(START_MS + 1_234);
    }

    // --- revoke

    @Test
    void revoke_whenActive_endsItNowAndItNeverExpiresAgain() {
        schedule.watch(grant("r1", START_MS + 60_000));

        assertThat(schedule.revoke("r1", "incident closed")).isEqualTo(new Effect.Ended(
                new Ending(grant("r1", START_MS + 60_000), Ending.Reason.REVOKED, "incident closed")));
        assertThat(schedule.advanceTo(START_MS + 120_000)).isEmpty();
    }

    @Test
    void revoke_whenGrantNotArrivedYet_holdsItAndEndsTheGrantTheMomentItArrives() {
        assertThat(schedule.revoke("r1", "incident closed"))
                .isEqualTo(new Effect.RevocationHeld("r1", "incident closed"));

        assertThat(schedule.watch(grant("r1", START_MS + 60_000))).isEqualTo(new Effect.Ended(
                new Ending(grant("r1", START_MS + 60_000), Ending.Reason.REVOKED, "incident closed")));
        assertThat(schedule.size()).isZero();
        assertThat(schedule.heldRevocations()).isZero();
        assertThat(schedule.advanceTo(START_MS + 120_000)).isEmpty();
    }

    @Test
    void revoke_whenAlreadyHeld_isIgnored() {
        schedule.revoke("r1", "first");

        assertThat(schedule.revoke("r1", "second")).isInstanceOf(Effect.Ignored.class);
        assertThat(schedule.watch(grant("r1", START_MS + 60_000))).isInstanceOfSatisfying(Effect.Ended.class,
                ended -> assertThat(ended.ending().cause()).isEqualTo("first"));
    }

    // --- restore and forget (the durable state's cache)

    @Test
    void restoreGrant_whenOverdue_endsAtTheNextAdvance() {
        schedule.restoreGrant(grant("r1", START_MS - 60_000));

        assertThat(schedule.advanceTo(START_MS)).extracting(ending -> ending.grant().requestId())
                .containsExactly("r1");
    }

    @Test
    void restore_laterStateReplacesEarlier() {
        schedule.restoreGrant(grant("r1", START_MS + 5_000));
        schedule.restoreHeldRevocation("r2", "early");
        schedule.forget("r1");
        schedule.restoreGrant(grant("r2", START_MS + 7_000));

        assertThat(schedule.size()).isEqualTo(1);
        assertThat(schedule.heldRevocations()).isZero();
        assertThat(schedule.advanceTo(START_MS + 10_000)).extracting(ending -> ending.grant().requestId())
                .containsExactly("r2");
    }

    @Test
    void forget_dropsOnlyTheMatchingRequests() {
        schedule.watch(grant("p0-a", START_MS + 5_000));
        schedule.watch(grant("p1-b", START_MS + 5_000));
        schedule.revoke("p0-c", "early");

        assertThat(schedule.forget(requestId -> requestId.startsWith("p0-"))).isEqualTo(2);
        assertThat(schedule.advanceTo(START_MS + 5_000)).extracting(ending -> ending.grant().requestId())
                .containsExactly("p1-b");
        assertThat(schedule.heldRevocations()).isZero();
    }

    @Test
    void options_whenTickOutOfRange_rejects() {
        assertThatThrownBy(() -> new ExpirySchedule.Options(0, 5)).hasMessage("tickMs must be 1..1000, got 0");
    }
}
