package dev.lapse.revoker.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.schemas.GrantIds;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExpiryScheduleTest {

    private static final long START_MS = 1_000_000;
    private static final String UUID_1 = "3b241101-e2bb-4255-8caf-4136c566a962";
    private static final String UUID_2 = "9f1c2d3e-4a5b-4c6d-8e7f-a0b1c2d3e4f5";
    private static final String UUID_3 = "c0ffee00-1234-4abc-9def-0123456789ab";
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

    // --- what is stored per grant: derived grant ids, counted requesters

    private static ActiveGrant lapseGrant(String requestId, String requesterId, long expiresAtMs) {
        return new ActiveGrant(requestId, GrantIds.of(requestId), requesterId, Instant.ofEpochMilli(expiresAtMs));
    }

    @Test
    void watch_whenGrantIdIsDerived_storesNoneAndGivesTheSameGrantBack() {
        ActiveGrant grant = lapseGrant(UUID_1, "alice", START_MS + 1_000);
        schedule.watch(grant);

        assertThat(schedule.foreignGrantIds()).isZero();
        assertThat(schedule.advanceTo(START_MS + 1_000)).containsExactly(
                new Ending(grant, Ending.Reason.TIME_ELAPSED, "expiry time reached"));
    }

    @Test
    void watch_whenGrantIdIsNotDerived_keepsItUntilTheGrantEnds() {
        ActiveGrant foreign =
                new ActiveGrant(UUID_1, "issued-elsewhere-7", "alice", Instant.ofEpochMilli(START_MS + 1));
        ActiveGrant revoked = new ActiveGrant(UUID_2, "issued-elsewhere-8", "bob", Instant.ofEpochMilli(START_MS + 9));
        schedule.watch(foreign);
        schedule.watch(revoked);
        assertThat(schedule.foreignGrantIds()).isEqualTo(2);

        assertThat(schedule.revoke(UUID_2, "done")).isEqualTo(
                new Effect.Ended(new Ending(revoked, Ending.Reason.REVOKED, "done")));
        assertThat(schedule.advanceTo(START_MS + 1)).extracting(ending -> ending.grant().grantId())
                .containsExactly("issued-elsewhere-7");
        assertThat(schedule.foreignGrantIds()).isZero();
    }

    @Test
    void requesters_areCountedPerGrant_andForgottenWithTheirLastGrant() {
        schedule.watch(lapseGrant(UUID_1, "alice", START_MS + 1_000));
        schedule.watch(lapseGrant(UUID_2, "alice", START_MS + 2_000));
        schedule.watch(lapseGrant(UUID_3, "bob", START_MS + 3_000));
        assertThat(schedule.requesters()).isEqualTo(2);

        assertThat(schedule.advanceTo(START_MS + 1_000)).extracting(ending -> ending.grant().requesterId())
                .containsExactly("alice");
        assertThat(schedule.requesters()).isEqualTo(2);
        schedule.revoke(UUID_2, "done");
        assertThat(schedule.requesters()).isEqualTo(1);
        schedule.forget(requestId -> true);
        assertThat(schedule.requesters()).isZero();
    }

    @Test
    void watch_whenDuplicateNamesAnotherRequester_changesNothing() {
        schedule.watch(lapseGrant(UUID_1, "alice", START_MS + 1_000));

        assertThat(schedule.watch(lapseGrant(UUID_1, "mallory", START_MS + 9_000))).isEqualTo(new Effect.Ignored(
                UUID_1, "already watched, ending at " + Instant.ofEpochMilli(START_MS + 1_000)));
        assertThat(schedule.requesters()).isEqualTo(1);
        assertThat(schedule.advanceTo(START_MS + 1_000)).extracting(ending -> ending.grant())
                .containsExactly(lapseGrant(UUID_1, "alice", START_MS + 1_000));
        assertThat(schedule.requesters()).isZero();
    }

    @Test
    void restoreGrant_whenRequestAlreadyWatched_replacesItAndReleasesTheOldRequester() {
        schedule.watch(new ActiveGrant(UUID_1, "foreign", "alice", Instant.ofEpochMilli(START_MS + 1_000)));

        schedule.restoreGrant(lapseGrant(UUID_1, "bob", START_MS + 2_000));

        assertThat(schedule.requesters()).isEqualTo(1);
        assertThat(schedule.foreignGrantIds()).isZero();
        assertThat(schedule.advanceTo(START_MS + 2_000)).extracting(ending -> ending.grant())
                .containsExactly(lapseGrant(UUID_1, "bob", START_MS + 2_000));
    }

    @Test
    void randomLifecycles_leaveNothingBehind() {
        Random random = new Random(3);
        for (int op = 0; op < 20_000; op++) {
            String requestId = new UUID(17, random.nextInt(500)).toString();
            String requester = "user-" + random.nextInt(20);
            long expiresAtMs = START_MS + random.nextInt(100_000);
            switch (random.nextInt(6)) {
                case 0, 1 -> schedule.watch(random.nextBoolean() ? lapseGrant(requestId, requester, expiresAtMs)
                        : new ActiveGrant(requestId, "g-" + op, requester, Instant.ofEpochMilli(expiresAtMs)));
                case 2 -> schedule.restoreGrant(lapseGrant(requestId, requester, expiresAtMs));
                case 3 -> schedule.revoke(requestId, "r");
                case 4 -> schedule.forget(requestId);
                default -> schedule.advanceTo(START_MS + op * 5L);
            }
        }

        schedule.advanceTo(Long.MAX_VALUE);

        assertThat(schedule.size()).isZero();
        assertThat(schedule.requesters()).isZero();
        assertThat(schedule.foreignGrantIds()).isZero();
    }

    @Test
    void options_whenTickOutOfRange_rejects() {
        assertThatThrownBy(() -> new ExpirySchedule.Options(0, 5)).hasMessage("tickMs must be 1..1000, got 0");
    }
}
