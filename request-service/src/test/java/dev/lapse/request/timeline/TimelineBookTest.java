package dev.lapse.request.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

class TimelineBookTest {

    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
    private final TimelineBook book = new TimelineBook(1_000);

    private static TimelineEvent event(String eventId, Stage stage, long atMs) {
        TimelineEvent.RequestSummary summary = stage == Stage.REQUESTED
                ? new TimelineEvent.RequestSummary("alice", "postgres:crm.public.customers", "SELECT (email)", "r",
                30_000, "rest")
                : null;
        return new TimelineEvent("req-1", eventId, stage, T0.plusMillis(atMs), "SERVICE:x", stage.name(), summary,
                stage == Stage.GRANTED ? "g-1" : null, stage == Stage.GRANTED ? T0.plusMillis(30_040) : null);
    }

    @Test
    void find_whenEventsArriveOutOfOrder_ordersStepsByTimeAndReportsFurthestStage() {
        book.apply(event("e3", Stage.GRANTED, 40));
        book.apply(event("e1", Stage.REQUESTED, 0));
        book.apply(event("e2", Stage.APPROVED, 25));

        RequestTimeline timeline = book.find("req-1").orElseThrow();

        assertThat(timeline.steps()).extracting(RequestTimeline.Step::stage)
                .containsExactly(Stage.REQUESTED, Stage.APPROVED, Stage.GRANTED);
        assertThat(timeline.status()).isEqualTo(Stage.GRANTED);
        assertThat(timeline.submittedToGrantedMs()).isEqualTo(40L);
        assertThat(timeline.grantId()).isEqualTo("g-1");
        assertThat(timeline.expiresAt()).isEqualTo(T0.plusMillis(30_040));
        assertThat(timeline.request().requesterId()).isEqualTo("alice");
    }

    @Test
    void submittedToGrantedMs_isWhatTheFoldedTimelineSays() {
        assertThat(book.submittedToGrantedMs("req-1")).isEmpty();
        book.apply(event("e3", Stage.GRANTED, 40));
        assertThat(book.submittedToGrantedMs("req-1")).isEmpty(); // not yet requested, as far as the book knows

        book.apply(event("e1", Stage.REQUESTED, 0));
        book.apply(event("e2", Stage.APPROVED, 25));
        book.apply(event("e4", Stage.REQUESTED, 5)); // a second acceptance, later: the fold takes the latest

        assertThat(book.submittedToGrantedMs("req-1")).hasValue(35L);
        assertThat(book.find("req-1").orElseThrow().submittedToGrantedMs()).isEqualTo(35L);
    }

    @Test
    void apply_beyondMaxRequests_forgetsTheOldestRequestAndItsGrant() {
        TimelineBook small = new TimelineBook(2);
        for (String id : java.util.List.of("r1", "r2", "r3")) {
            small.apply(new TimelineEvent(id, id + "-granted", Stage.GRANTED, T0, "SERVICE:x", "granted", null,
                    "g-" + id, T0.plusSeconds(60)));
        }

        assertThat(small.find("r1")).isEmpty();
        assertThat(small.requestOfGrant("g-r1")).isEmpty();
        assertThat(small.find("r2")).isPresent();
        assertThat(small.find("r3")).isPresent();
        assertThat(small.requestOfGrant("g-r3")).contains("r3");
    }

    @Test
    void apply_keepsOneInstanceOfWhatRequestsRepeat() {
        for (String id : java.util.List.of("r1", "r2")) {
            TimelineEvent.RequestedAccess access = new TimelineEvent.RequestedAccess(new String("postgres"),
                    new String("crm.public.customers"), java.util.List.of(new String("SELECT")),
                    java.util.List.of(new String("email")), null, null, false, null);
            book.apply(new TimelineEvent(new String(id), id + "-requested", Stage.REQUESTED, T0,
                    new String("USER:alice"), new String("requested SELECT"),
                    new TimelineEvent.RequestSummary(new String("alice"), new String("postgres:crm.public.customers"),
                            new String("SELECT (email)"), "r", 30_000, new String("rest"), access),
                    null, null));
            book.apply(new TimelineEvent(new String(id), id + "-granted", Stage.GRANTED, T0.plusMillis(40),
                    new String("SERVICE:grant-issuer"), "grant g-" + id, null, "g-" + id, T0.plusSeconds(30)));
        }

        RequestTimeline r1 = book.find("r1").orElseThrow();
        RequestTimeline r2 = book.find("r2").orElseThrow();
        assertThat(r2.request().requesterId()).isSameAs(r1.request().requesterId());
        assertThat(r2.request().scope()).isSameAs(r1.request().scope());
        assertThat(r2.request().access()).isSameAs(r1.request().access());
        assertThat(r2.steps().get(0).by()).isSameAs(r1.steps().get(0).by());
        assertThat(r2.steps().get(0).detail()).isSameAs(r1.steps().get(0).detail());
        assertThat(r2.steps().get(1).detail()).isEqualTo("grant g-r2");
        assertThat(book.requestOfGrant("g-r2")).contains("r2");
    }

    @Test
    void apply_whenRedelivered_changesNothing() {
        assertThat(book.apply(event("e1", Stage.REQUESTED, 0))).isTrue();
        assertThat(book.apply(event("e1", Stage.REQUESTED, 0))).isFalse();

        assertThat(book.find("req-1").orElseThrow().steps()).hasSize(1);
    }

    @Test
    void requestOfGrant_findsTheRequest() {
        book.apply(event("e3", Stage.GRANTED, 40));

        assertThat(book.requestOfGrant("g-1")).contains("req-1");
        assertThat(book.requestOfGrant("g-2")).isEmpty();
    }

    @Test
    void find_whenUnknown_isEmpty() {
        assertThat(book.find("nope")).isEmpty();
    }

    @Test
    void fold_whenADuplicateSubmissionWasRejected_keepsTheAcceptedRequestsStatus() {
        book.apply(event("e1", Stage.REQUESTED, 0));
        book.apply(event("e3", Stage.GRANTED, 40));
        book.apply(event("dup", Stage.REJECTED, 90));

        RequestTimeline timeline = book.find("req-1").orElseThrow();
        assertThat(timeline.status()).isEqualTo(Stage.GRANTED);
        assertThat(timeline.steps()).extracting(RequestTimeline.Step::stage)
                .containsExactly(Stage.REQUESTED, Stage.GRANTED, Stage.REJECTED);
    }

    @Test
    void find_namesTheApproverGroupsOfEveryTier() {
        book.apply(event("e1", Stage.REQUESTED, 0));
        book.apply(new TimelineEvent("req-1", "e2", Stage.PENDING_APPROVAL, T0.plusMillis(5), "SERVICE:x", "pending",
                null, null, null, new TimelineEvent.ApprovalNeeded(java.util.List.of(
                        new TimelineEvent.Tier(1, java.util.List.of("support", "oncall")),
                        new TimelineEvent.Tier(1, java.util.List.of("data-owners"))), T0.plusSeconds(60)), null));

        RequestTimeline timeline = book.find("req-1").orElseThrow();

        assertThat(timeline.approverGroups()).containsExactly("data-owners", "oncall", "support");
        assertThat(timeline.requesterId()).isEqualTo("alice");
    }

    @Test
    void recent_withAFilter_limitsAfterFiltering_newestFirst() {
        for (int i = 0; i < 5; i++) {
            String requester = i % 2 == 0 ? "alice" : "bob";
            book.apply(new TimelineEvent("r" + i, "e" + i, Stage.REQUESTED, T0.plusSeconds(i), "USER:" + requester,
                    "requested", new TimelineEvent.RequestSummary(requester, "postgres:crm.public.customers",
                    "SELECT (email)", "r", 30_000, "rest"), null, null));
        }

        assertThat(book.recent(2, timeline -> "alice".equals(timeline.requesterId())))
                .extracting(RequestTimeline::requestId).containsExactly("r4", "r2");
        assertThat(book.recent(10)).hasSize(5);
    }

    @Test
    void find_givesBackExactlyWhatWasApplied_withIdsKeptAsNumbersAndTheDerivedGrantRebuilt() {
        String requestId = "6f1c3a52-9d0e-4b7a-8c21-5e4f3d2c1b0a";
        String grantId = dev.lapse.schemas.GrantIds.of(requestId);
        Instant requestedAt = Instant.parse("2026-11-23T09:00:00.123456789Z");
        Instant expiresAt = Instant.parse("2026-11-23T10:00:00.040Z");
        java.util.List<TimelineEvent> applied = java.util.List.of(
                new TimelineEvent(requestId, "0b8f6c1e-2d3a-4e5f-9a8b-7c6d5e4f3a2b", Stage.REQUESTED, requestedAt,
                        "USER:alice", "requested SELECT", new TimelineEvent.RequestSummary("alice",
                        "postgres:crm.public.customers", "SELECT (email)", "ticket 7", 3_600_000, "rest"), null,
                        null),
                // an event id that is not in canonical form comes back as it was given
                new TimelineEvent(requestId, "0B8F6C1E-2D3A-4E5F-9A8B-7C6D5E4F3A2C", Stage.APPROVED,
                        requestedAt.plusMillis(5), "SERVICE:policy-engine", "approved by auto", null, null, null),
                new TimelineEvent(requestId, "1b8f6c1e-2d3a-4e5f-9a8b-7c6d5e4f3a2d", Stage.GRANTED,
                        requestedAt.plusMillis(9), "SERVICE:grant-issuer", "grant " + grantId + " until " + expiresAt,
                        null, grantId, expiresAt),
                // a grant's later event, with a detail of its own
                new TimelineEvent(requestId, "2b8f6c1e-2d3a-4e5f-9a8b-7c6d5e4f3a2e", Stage.EXPIRED,
                        expiresAt.plusMillis(3), "SERVICE:revoker", "expired, due " + expiresAt, null, grantId, null),
                // a grant's event whose detail only looks like a grant's: kept as it came
                new TimelineEvent(requestId, "3b8f6c1e-2d3a-4e5f-9a8b-7c6d5e4f3a2f", Stage.WITHDRAWN,
                        expiresAt.plusMillis(9), "SERVICE:grant-issuer", "grant " + grantId, null, grantId,
                        expiresAt));
        applied.forEach(book::apply);

        RequestTimeline timeline = book.find(requestId).orElseThrow();

        assertThat(timeline.requestId()).isEqualTo(requestId);
        assertThat(timeline.grantId()).isEqualTo(grantId);
        assertThat(timeline.expiresAt()).isEqualTo(expiresAt);
        assertThat(timeline.request().reason()).isEqualTo("ticket 7");
        assertThat(timeline.steps()).extracting(RequestTimeline.Step::at)
                .containsExactlyElementsOf(applied.stream().map(TimelineEvent::at).toList());
        assertThat(timeline.steps()).extracting(RequestTimeline.Step::detail)
                .containsExactlyElementsOf(applied.stream().map(TimelineEvent::detail).toList());
        assertThat(book.requestOfGrant(grantId)).contains(requestId);
        assertThat(book.requestOfGrant(grantId.toUpperCase())).isEmpty();
        for (TimelineEvent event : applied) {
            assertThat(book.apply(event)).as(event.eventId()).isFalse();
        }
        assertThat(book.apply(new TimelineEvent(requestId, "0b8f6c1e-2d3a-4e5f-9a8b-7c6d5e4f3a2c", Stage.APPROVED,
                requestedAt.plusMillis(5), "SERVICE:policy-engine", "approved by auto", null, null, null)))
                .as("the lower-case spelling is another event id").isTrue();
    }

    @Test
    void apply_beyondMaxRequests_forgetsADerivedGrant() {
        TimelineBook small = new TimelineBook(1);
        String first = "6f1c3a52-9d0e-4b7a-8c21-5e4f3d2c1b0a";
        String second = "7f1c3a52-9d0e-4b7a-8c21-5e4f3d2c1b0a";
        for (String id : java.util.List.of(first, second)) {
            String grantId = dev.lapse.schemas.GrantIds.of(id);
            small.apply(new TimelineEvent(id, dev.lapse.schemas.EventIds.once("granted", id), Stage.GRANTED, T0,
                    "SERVICE:x", "grant " + grantId + " until " + T0.plusSeconds(60), null, grantId,
                    T0.plusSeconds(60)));
        }

        assertThat(small.find(first)).isEmpty();
        assertThat(small.requestOfGrant(dev.lapse.schemas.GrantIds.of(first))).isEmpty();
        assertThat(small.requestOfGrant(dev.lapse.schemas.GrantIds.of(second))).contains(second);
    }

    @Test
    void reads_whileTheListenerHoldsTheBook_answerWithoutWaitingForIt() throws Exception {
        book.apply(event("e1", Stage.REQUESTED, 0));
        book.apply(event("e3", Stage.GRANTED, 40));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Holds the book's lock as apply() does, until the reads are done (or the test gives up on them).
        Thread writer = new Thread(() -> {
            synchronized (book) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "holds-the-book");
        writer.start();
        held.await();
        try {
            FutureTask<List<Object>> reads = new FutureTask<>(() -> List.of(book.find("req-1"),
                    book.submittedToGrantedMs("req-1"), book.requestOfGrant("g-1"), book.recent(10),
                    book.find("req-unknown")));
            new Thread(reads, "reads-the-book").start();

            await().atMost(Duration.ofSeconds(30)).until(reads::isDone);

            List<Object> answers = reads.get();
            assertThat(answers.get(0)).isEqualTo(book.find("req-1"));
            assertThat(answers.get(1)).isEqualTo(java.util.OptionalLong.of(40L));
            assertThat(answers.get(2)).isEqualTo(java.util.Optional.of("req-1"));
            assertThat(answers.get(3)).asList().hasSize(1);
            assertThat(answers.get(4)).isEqualTo(java.util.Optional.empty());
        } finally {
            release.countDown();
            writer.join();
        }
    }
}
