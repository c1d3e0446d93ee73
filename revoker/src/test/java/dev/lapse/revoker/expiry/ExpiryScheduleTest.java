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

    @Test
    void advanceTo_endsAGrantAtItsExpiryAndNotBefore() {
        schedule.schedule(grant("r1", START_MS + 30_000));

        assertThat(schedule.advanceTo(START_MS + 29_999)).isEmpty();
        assertThat(schedule.advanceTo(START_MS + 30_000)).containsExactly(
                new Ending(grant("r1", START_MS + 30_000), Ending.Reason.TIME_ELAPSED, "expiry time reached"));
        assertThat(schedule.size()).isZero();
    }

    @Test
    void advanceTo_whenExpiryAlreadyPast_endsItAtOnce() {
        schedule.schedule(grant("overdue", START_MS - 5_000));

        assertThat(schedule.advanceTo(START_MS)).extracting(ending -> ending.grant().requestId())
                .containsExactly("overdue");
    }

    @Test
    void revoke_whenActive_endsItNowAndItNeverExpiresAgain() {
        schedule.schedule(grant("r1", START_MS + 60_000));

        assertThat(schedule.revoke("r1", "incident closed")).hasValueSatisfying(ending -> {
            assertThat(ending.reason()).isEqualTo(Ending.Reason.REVOKED);
            assertThat(ending.cause()).isEqualTo("incident closed");
        });
        assertThat(schedule.advanceTo(START_MS + 120_000)).isEmpty();
    }

    @Test
    void revoke_whenGrantNotArrivedYet_endsTheGrantTheMomentItArrives() {
        assertThat(schedule.revoke("r1", "incident closed")).isEmpty();

        assertThat(schedule.schedule(grant("r1", START_MS + 60_000))).hasValueSatisfying(ending -> {
            assertThat(ending.reason()).isEqualTo(Ending.Reason.REVOKED);
            assertThat(ending.cause()).isEqualTo("incident closed");
        });
        assertThat(schedule.size()).isZero();
        assertThat(schedule.advanceTo(START_MS + 120_000)).isEmpty();
    }

    @Test
    void schedule_whenNotRevoked_endsNothingNow() {
        assertThat(schedule.schedule(grant("r1", START_MS + 60_000))).isEmpty();
        assertThat(schedule.size()).isEqualTo(1);
    }

    @Test
    void schedule_whenSameRequestAgain_keepsOneEntryWithTheNewExpiry() {
        schedule.schedule(grant("r1", START_MS + 10_000));
        schedule.schedule(grant("r1", START_MS + 20_000));

        assertThat(schedule.size()).isEqualTo(1);
        assertThat(schedule.advanceTo(START_MS + 15_000)).isEmpty();
        assertThat(schedule.advanceTo(START_MS + 20_000)).hasSize(1);
    }

    @Test
    void advanceTo_whenClockStepsBack_waitsInsteadOfFailing() {
        schedule.schedule(grant("r1", START_MS + 1_000));
        schedule.advanceTo(START_MS + 500);

        assertThat(schedule.advanceTo(START_MS + 100)).isEmpty();
        assertThat(schedule.advanceTo(START_MS + 1_000)).hasSize(1);
    }

    @Test
    void options_whenTickOutOfRange_rejects() {
        assertThatThrownBy(() -> new ExpirySchedule.Options(0, 5)).hasMessage("tickMs must be 1..1000, got 0");
    }
}
