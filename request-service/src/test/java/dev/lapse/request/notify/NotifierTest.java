package dev.lapse.request.notify;

import static dev.lapse.request.notify.Fixtures.approved;
import static dev.lapse.request.notify.Fixtures.denied;
import static dev.lapse.request.notify.Fixtures.expired;
import static dev.lapse.request.notify.Fixtures.granted;
import static dev.lapse.request.notify.Fixtures.pending;
import static dev.lapse.request.notify.Fixtures.requested;
import static dev.lapse.request.notify.NotifierHarness.APPROVED;
import static dev.lapse.request.notify.NotifierHarness.DENIED;
import static dev.lapse.request.notify.NotifierHarness.EXPIRED;
import static dev.lapse.request.notify.NotifierHarness.GRANTED;
import static dev.lapse.request.notify.NotifierHarness.PENDING;
import static dev.lapse.request.notify.NotifierHarness.REQUESTED;
import static dev.lapse.request.notify.NotifierHarness.webhook;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NotifierTest {

    private static final long TEN_MINUTES = 600_000;
    /** The harness's lead: an expiring notice falls due 60 s before its grant ends. */
    private static final long LEAD = 60_000;

    private final NotifierHarness harness = new NotifierHarness(List.of(webhook("a")));

    @Test
    void tick_whenWholeLifecycle_notifiesEachTypeOnceInOrder() {
        harness.publish(REQUESTED, requested("r1", 0)).publish(PENDING, pending("r1", 10))
                .publish(APPROVED, approved("r1", 20)).publish(GRANTED, granted("r1", 30, TEN_MINUTES));
        harness.deliverAll(harness.poll());
        harness.advanceTo(30 + TEN_MINUTES - LEAD - 1);
        assertThat(harness.poll()).isEmpty();
        harness.advanceTo(30 + TEN_MINUTES - LEAD);
        harness.deliverAll(harness.poll());
        harness.advanceTo(30 + TEN_MINUTES);
        harness.publish(EXPIRED, expired("r1", 30 + TEN_MINUTES, 30 + TEN_MINUTES, "TIME_ELAPSED"));
        harness.deliverAll(harness.poll());

        assertThat(types(harness.sent)).containsExactly("request.pending", "request.approved", "grant.granted",
                "grant.expiring", "grant.expired");
        assertThat(harness.sent).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
        assertThat(harness.sent.get(0).notification().resource()).as("the pending request's subject, from the request")
                .isEqualTo(Fixtures.SUBJECT.resource());
        assertThat(harness.sent.get(4).notification().scope()).isEqualTo(Fixtures.SUBJECT.scope());
        assertThat(harness.outcomes).hasSize(5).allSatisfy(o -> assertThat(o.delivered()).isTrue());
    }

    @Test
    void completed_whenReceiverFails_retriesAfterBackoffAndHoldsOnlyThatRequest() {
        harness.publish(PENDING, pending("r1", 0)).publish(APPROVED, approved("r1", 10))
                .publish(PENDING, pending("r2", 20));
        List<Dispatch> first = harness.poll();
        assertThat(types(first)).containsExactly("request.pending", "request.pending");
        Dispatch r1 = first.stream().filter(d -> d.notification().requestId().equals("r1")).findFirst().orElseThrow();
        Dispatch r2 = first.stream().filter(d -> d.notification().requestId().equals("r2")).findFirst().orElseThrow();

        assertThat(harness.answer(r1, 503)).as("r1's approval waits behind its pending notice").isEmpty();
        assertThat(harness.answer(r2, 200)).isEmpty();
        // Backoff 1 s base, no jitter: the retry waits 500 ms.
        assertThat(harness.notifier.nextWakeMs()).hasValue(harness.epochMs() + 500);
        harness.advanceTo(499);
        assertThat(harness.tick()).isEmpty();
        harness.advanceTo(500);
        List<Dispatch> retry = harness.tick();
        assertThat(retry).singleElement().satisfies(d -> {
            assertThat(d.notification()).isEqualTo(r1.notification());
            assertThat(d.attempt()).isEqualTo(2);
        });
        assertThat(types(harness.answer(retry.get(0), 200))).containsExactly("request.approved");
    }

    @Test
    void completed_when4xx_givesUpAtOnce_butRetries408And429() {
        harness.publish(PENDING, pending("r1", 0)).publish(PENDING, pending("r2", 10))
                .publish(PENDING, pending("r3", 20));
        List<Dispatch> first = harness.poll();

        harness.answer(first.get(0), 400);
        harness.answer(first.get(1), 429);
        harness.answer(first.get(2), 408);

        assertThat(harness.outcomes).singleElement().satisfies(o -> {
            assertThat(o.delivered()).isFalse();
            assertThat(o.attempts()).isEqualTo(1);
            assertThat(o.detail()).isEqualTo("refused with HTTP 400, not retried");
        });
        harness.advanceTo(500);
        assertThat(harness.tick()).hasSize(2).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(2));
    }

    @Test
    void completed_whenEveryAttemptFails_givesUpAfterMaxAttemptsWithTheLastAnswer() {
        harness.publish(PENDING, pending("r1", 0)).publish(APPROVED, approved("r1", 10));
        Dispatch attempt = harness.poll().get(0);
        long[] waits = {500, 1_000, 2_000};
        for (long waitMs : waits) {
            assertThat(harness.answer(attempt, 500)).isEmpty();
            harness.advanceTo(harness.nowMs + waitMs);
            attempt = harness.tick().get(0);
        }
        assertThat(attempt.attempt()).isEqualTo(4);

        List<Dispatch> next = harness.answer(attempt, 503);

        assertThat(harness.outcomes).singleElement().satisfies(o -> {
            assertThat(o.delivered()).isFalse();
            assertThat(o.attempts()).isEqualTo(4);
            assertThat(o.detail()).isEqualTo("no answer accepted in 4 attempts, the last: HTTP 503");
        });
        assertThat(types(next)).as("the next notification of the request goes on").containsExactly("request.approved");
    }

    @Test
    void commits_holdAnOffsetUntilItsNotificationIsDeliveredOrGivenUp() {
        harness.publish(PENDING, pending("r1", 0)).publish(PENDING, pending("r2", 10));
        List<Dispatch> sent = harness.poll();
        assertThat(harness.commit().get(PENDING).offset()).isZero();

        harness.answer(sent.get(1), 200);
        assertThat(harness.commit().get(PENDING).offset()).as("r1 still holds offset 0").isZero();
        harness.answer(sent.get(0), 404);
        assertThat(harness.commit().get(PENDING).offset()).isEqualTo(2);
    }

    @Test
    void commits_holdAGrantUntilItsNoticeIsDeliveredAndItHasEnded() {
        harness.publish(GRANTED, granted("r1", 0, TEN_MINUTES));
        harness.deliverAll(harness.poll());
        assertThat(harness.commit().get(GRANTED)).isEqualTo(new Notifier.Commit(0,
                "through=1;expiring-done=" + (Fixtures.T0.toEpochMilli() + TEN_MINUTES - LEAD - 1)));

        harness.advanceTo(TEN_MINUTES - LEAD);
        harness.deliverAll(harness.poll());
        assertThat(harness.commit().get(GRANTED)).as("the grant still tells who holds what, for its expiry")
                .isEqualTo(new Notifier.Commit(0, "through=1;expiring-done=" + Long.MAX_VALUE));

        harness.advanceTo(TEN_MINUTES);
        harness.publish(EXPIRED, expired("r1", TEN_MINUTES, TEN_MINUTES, "TIME_ELAPSED"));
        harness.deliverAll(harness.poll());
        assertThat(harness.commit().get(GRANTED).offset()).isEqualTo(1);
        assertThat(harness.commit().get(EXPIRED).offset()).isEqualTo(1);
    }

    @Test
    void restart_doesNotRepeatFinishedNotificationsAndStillSendsTheExpiringNotice() {
        harness.publish(REQUESTED, requested("r1", 0)).publish(GRANTED, granted("r1", 10, TEN_MINUTES))
                .publish(DENIED, denied("r2", 20)).publish(GRANTED, granted("r3", 30, TEN_MINUTES));
        harness.deliverAll(harness.poll());
        harness.commit();
        harness.sent.clear();

        harness.restart();
        harness.advanceTo(1_000);
        harness.poll();
        assertThat(harness.sent).as("granted and denied were delivered before the restart").isEmpty();
        harness.advanceTo(10 + TEN_MINUTES - LEAD);
        harness.deliverAll(harness.poll());
        harness.advanceTo(30 + TEN_MINUTES - LEAD);
        harness.deliverAll(harness.poll());

        assertThat(harness.sent).extracting(NotifierTest::typeAndRequest)
                .containsExactly("grant.expiring r1", "grant.expiring r3");
    }

    @Test
    void restart_whenExpiringNoticeWasDelivered_doesNotSendItAgain() {
        harness.publish(GRANTED, granted("r1", 0, TEN_MINUTES)).publish(GRANTED, granted("r2", 10, 2 * LEAD));
        harness.deliverAll(harness.poll());
        harness.advanceTo(10 + LEAD);
        harness.deliverAll(harness.poll());
        assertThat(types(harness.sent)).containsExactly("grant.granted", "grant.granted", "grant.expiring");
        harness.commit();
        harness.sent.clear();

        harness.restart();
        harness.poll();
        harness.advanceTo(TEN_MINUTES - LEAD);
        harness.deliverAll(harness.poll());

        assertThat(harness.sent).extracting(NotifierTest::typeAndRequest)
                .as("r2's notice was delivered before the restart; r1's is still owed").containsExactly(
                        "grant.expiring r1");
    }

    @Test
    void restart_whenDeliveryUnfinished_deliversItAgainWithTheSameId() {
        harness.publish(PENDING, pending("r1", 0));
        Dispatch before = harness.poll().get(0);
        harness.commit();

        harness.restart();
        List<Dispatch> after = harness.poll();

        assertThat(after).singleElement().satisfies(d -> assertThat(d.notification()).isEqualTo(before.notification()));
    }

    @Test
    void restart_whenGrantWasRevokedBeforeItsNotice_doesNotSendTheNotice() {
        // r0's notice, still owed, holds the granted partition at r0, so a restart reads r1's grant again.
        harness.publish(GRANTED, granted("r0", 0, TEN_MINUTES)).publish(GRANTED, granted("r1", 10, 2 * TEN_MINUTES));
        harness.deliverAll(harness.poll());
        harness.advanceTo(1_000);
        harness.publish(EXPIRED, expired("r1", 1_000, 10 + 2 * TEN_MINUTES, "REVOKED"));
        harness.deliverAll(harness.poll());
        harness.commit();
        harness.sent.clear();

        harness.restart();
        harness.advanceTo(2 * TEN_MINUTES);
        harness.deliverAll(harness.poll(GRANTED));
        assertThat(harness.sent).as("no notice fires before every partition of the group is read").isEmpty();
        harness.deliverAll(harness.poll());

        assertThat(harness.sent).extracting(NotifierTest::typeAndRequest)
                .as("r0's grant has ended by its time, r1's was revoked: neither gets an expiring notice").isEmpty();
    }

    @Test
    void restart_whenRevokedGrantsNoticeWouldBeDue_cancelsItWhicheverIsReadFirst() {
        harness.publish(GRANTED, granted("r0", 0, TEN_MINUTES)).publish(GRANTED, granted("r1", 10, 2 * TEN_MINUTES));
        harness.deliverAll(harness.poll());
        harness.advanceTo(1_000);
        harness.publish(EXPIRED, expired("r1", 1_000, 10 + 2 * TEN_MINUTES, "REVOKED"));
        harness.deliverAll(harness.poll());
        harness.commit();
        harness.sent.clear();

        harness.restart();
        harness.advanceTo(TEN_MINUTES - LEAD);
        harness.deliverAll(harness.poll(EXPIRED));
        harness.deliverAll(harness.poll());
        harness.advanceTo(2 * TEN_MINUTES - LEAD + 10);
        harness.deliverAll(harness.poll());

        assertThat(harness.sent).extracting(NotifierTest::typeAndRequest)
                .containsExactly("grant.expiring r0");
    }

    @Test
    void expiring_whenGrantEndsBeforeItsNotice_isCancelled() {
        harness.publish(GRANTED, granted("r1", 0, TEN_MINUTES));
        harness.deliverAll(harness.poll());
        harness.advanceTo(1_000);
        harness.publish(EXPIRED, expired("r1", 1_000, TEN_MINUTES, "REVOKED"));
        harness.deliverAll(harness.poll());
        harness.advanceTo(TEN_MINUTES);
        harness.deliverAll(harness.poll());

        assertThat(types(harness.sent)).containsExactly("grant.granted", "grant.expired");
        assertThat(harness.commit().get(GRANTED).offset()).isEqualTo(1);
    }

    @Test
    void expiring_whenGrantShorterThanLead_followsTheGrantAtOnce() {
        harness.publish(GRANTED, granted("r1", 0, LEAD / 2));

        List<Dispatch> granted = harness.poll();
        harness.deliverAll(granted);

        assertThat(types(harness.sent)).containsExactly("grant.granted", "grant.expiring");
    }

    @Test
    void expiring_whenNoticeFallsDueAfterTheGrantEnded_isSkipped() {
        harness.publish(GRANTED, granted("r1", 0, TEN_MINUTES));
        harness.deliverAll(harness.poll());
        harness.commit();
        harness.sent.clear();

        harness.restart();
        harness.advanceTo(TEN_MINUTES + 1);
        harness.deliverAll(harness.poll());

        assertThat(harness.sent).isEmpty();
        assertThat(harness.commit().get(GRANTED)).isEqualTo(new Notifier.Commit(0,
                "through=1;expiring-done=" + Long.MAX_VALUE));
    }

    @Test
    void order_whenGrantArrivesBeforeItsApproval_releasesThemInWriteOrder() {
        harness.publish(GRANTED, granted("r1", 20, TEN_MINUTES)).publish(APPROVED, approved("r1", 10));

        assertThat(harness.poll(GRANTED)).as("the approval's partition may hold an earlier record").isEmpty();
        List<Dispatch> released = harness.poll();

        assertThat(types(released)).containsExactly("request.approved");
        assertThat(types(harness.answer(released.get(0), 200))).containsExactly("grant.granted");
    }

    @Test
    void order_whenAnotherPartitionStaysSilent_releasesAfterTheOrderWait() {
        harness.publish(GRANTED, granted("r1", 20, TEN_MINUTES));
        assertThat(harness.poll(GRANTED)).isEmpty();
        assertThat(harness.notifier.nextWakeMs()).hasValue(harness.epochMs() + 2_000);

        harness.advanceTo(2_000);

        assertThat(types(harness.tick())).containsExactly("grant.granted");
    }

    @Test
    void webhooks_getOnlyTheTypesTheyWant_andOthersDoNotHoldCommits() {
        NotifierHarness two = new NotifierHarness(List.of(webhook("all"),
                webhook("expiring-only", NotificationType.GRANT_EXPIRING)));
        two.publish(PENDING, pending("r1", 0)).publish(GRANTED, granted("r1", 10, LEAD / 2));
        two.advanceTo(10);

        two.deliverAll(two.poll());

        assertThat(two.sent).extracting(d -> d.webhook().name() + " " + d.notification().type().wireName())
                .containsExactlyInAnyOrder("all request.pending", "all grant.granted", "all grant.expiring",
                        "expiring-only grant.expiring");
        assertThat(two.commit().get(PENDING).offset()).isEqualTo(1);
        assertThat(two.commit().get(GRANTED)).as("held by the grant's subject alone").isEqualTo(
                new Notifier.Commit(0, "through=1;expiring-done=" + Long.MAX_VALUE));
    }

    @Test
    void restored_whenFormatted_parsesBack() {
        Notifier.Restored restored = new Notifier.Restored(42, Long.MAX_VALUE);

        assertThat(Notifier.Restored.parse(restored.format())).contains(restored);
        assertThat(Notifier.Restored.parse("written by someone else")).isEmpty();
        assertThat(Notifier.Restored.parse(null)).isEmpty();
    }

    private static String typeAndRequest(Dispatch dispatch) {
        return dispatch.notification().type().wireName() + " " + dispatch.notification().requestId();
    }

    private static List<String> types(List<Dispatch> dispatches) {
        return dispatches.stream().map(d -> d.notification().type().wireName()).toList();
    }
}
