package dev.lapse.grant.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.AccessWithdrawn;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ExpiryReason;
import dev.lapse.event.RevocationRequested;
import dev.lapse.grant.GrantIssuerApplication;
import dev.lapse.grant.issue.GrantId;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.testing.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** grant-issuer on a real broker and registry, driven through its topics. */
class GrantIssuerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** After the expected events, how long nothing more may arrive: a late duplicate is the bug. */
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final TestStack stack = TestStack.get();
    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() {
        app = GrantIssuerApplication.builder().run(stack.springArgs());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void approval_becomesGrant_thatExpiresTheApprovedDurationAfterItWasGranted() {
        AccessRequested request = Events.accessRequested("gi-grant");
        stack.send(Topics.ACCESS_APPROVED, "gi-grant", AccessApproved.newBuilder()
                .setEventId("e-1").setRequestId("gi-grant").setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SERVICE, "policy-engine"))
                .setRequester(request.getRequester()).setResource(request.getResource()).setScope(request.getScope())
                .setApprovedDurationMs(45_000).setPolicy("test").build());

        List<ConsumerRecord<String, Object>> records = stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_GRANTED.name()),
                "gi-grant", found -> !found.isEmpty(), WAIT, QUIET);

        assertThat(records).singleElement().satisfies(record -> {
            AccessGranted granted = (AccessGranted) record.value();
            assertThat(granted.getGrantId()).isEqualTo(GrantId.of("gi-grant").value());
            assertThat(granted.getExpiresAt()).isEqualTo(granted.getGrantedAt().plusMillis(45_000));
            assertThat(granted.getScope()).isEqualTo(request.getScope());
            assertThat(granted.getBreakGlass()).isFalse();
        });
    }

    @Test
    void breakGlassApproval_becomesAGrantFlaggedBreakGlass() {
        AccessApproved approval = approval("gi-break-glass", "e-bg", 30_000, List.of("id", "email"));
        approval.setBreakGlass(true);
        stack.send(Topics.ACCESS_APPROVED, "gi-break-glass", approval);

        List<ConsumerRecord<String, Object>> records = stack.awaitRecordsThenQuiet(
                List.of(Topics.ACCESS_GRANTED.name()), "gi-break-glass", found -> !found.isEmpty(), WAIT, QUIET);

        assertThat(records).singleElement().satisfies(record ->
                assertThat(((AccessGranted) record.value()).getBreakGlass()).isTrue());
    }

    @Test
    void expiry_becomesWithdrawal() {
        stack.send(Topics.ACCESS_EXPIRED, "gi-expire", AccessExpired.newBuilder()
                .setEventId("e-2").setRequestId("gi-expire").setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SERVICE, "revoker"))
                .setGrantId(GrantId.of("gi-expire").value()).setRequesterId("alice")
                .setReason(ExpiryReason.TIME_ELAPSED).setExpiresAt(Instant.now()).build());

        List<ConsumerRecord<String, Object>> records = stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_WITHDRAWN.name()),
                "gi-expire", found -> !found.isEmpty(), WAIT, QUIET);

        assertThat(records).singleElement().satisfies(record ->
                assertThat(((AccessWithdrawn) record.value()).getGrantId()).isEqualTo(GrantId.of("gi-expire").value()));
    }

    private static AccessApproved approval(String requestId, String eventId, long durationMs, List<String> columns) {
        AccessRequested request = Events.accessRequested(requestId);
        request.getScope().setColumns(columns);
        return AccessApproved.newBuilder()
                .setEventId(eventId).setRequestId(requestId).setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SERVICE, "policy-engine"))
                .setRequester(request.getRequester()).setResource(request.getResource()).setScope(request.getScope())
                .setApprovedDurationMs(durationMs).setPolicy("test").build();
    }

    @Test
    void secondApproval_neverYieldsASecondGrant_notEvenAfterARestart() {
        // Both forms the guard keeps: a UUID in canonical form (packed in its ClaimTable) and any other id (as text).
        List<String> ids = List.of("gi-replay", UUID.randomUUID().toString());
        for (String id : ids) {
            stack.send(Topics.ACCESS_APPROVED, id, approval(id, "first-" + id, 30_000, List.of("id", "email")));
            stack.awaitRecords(List.of(Topics.ACCESS_GRANTED.name()), id, found -> !found.isEmpty(), WAIT);
            stack.send(Topics.ACCESS_APPROVED, id, approval(id, "wider-" + id, 3_600_000,
                    List.of("id", "email", "ssn")));
        }

        ConfigurableApplicationContext restarted = GrantIssuerApplication.builder()
                .run(stack.springArgs("--lapse.instance-id=gi-restarted"));
        app.close();
        app = restarted;
        for (String id : ids) {
            stack.send(Topics.ACCESS_APPROVED, id, approval(id, "after-restart-" + id, 3_600_000, List.of("ssn")));
        }
        // The restarted instance has consumed the last approvals once its own withdrawal of another request shows.
        stack.send(Topics.ACCESS_EXPIRED, "gi-marker", AccessExpired.newBuilder()
                .setEventId("e-marker").setRequestId("gi-marker").setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SERVICE, "revoker"))
                .setGrantId(GrantId.of("gi-marker").value()).setRequesterId("alice")
                .setReason(ExpiryReason.TIME_ELAPSED).setExpiresAt(Instant.now()).build());
        stack.awaitRecords(List.of(Topics.ACCESS_WITHDRAWN.name()), "gi-marker", found -> !found.isEmpty(), WAIT);

        for (String id : ids) {
            assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_GRANTED.name()), id,
                    found -> !found.isEmpty(), WAIT, Duration.ofSeconds(3)))
                    .as(id).singleElement().satisfies(record -> {
                        AccessGranted granted = (AccessGranted) record.value();
                        assertThat(granted.getScope().getColumns()).containsExactly("id", "email");
                        assertThat(granted.getExpiresAt()).isEqualTo(granted.getGrantedAt().plusMillis(30_000));
                    });
        }
    }

    @Test
    void extension_endsTheGrantItExtends_onlyOnceItIsGranted_andOnlyOnce() {
        String old = "gi-extended";
        String extension = "gi-extension";
        stack.send(Topics.ACCESS_APPROVED, old, approval(old, "old", 600_000, List.of("id", "email")));
        stack.awaitRecords(List.of(Topics.ACCESS_GRANTED.name()), old, found -> !found.isEmpty(), WAIT);

        AccessApproved extending = approval(extension, "ext", 1_200_000, List.of("id", "email"));
        extending.setExtendsRequestId(old);
        stack.send(Topics.ACCESS_APPROVED, extension, extending);
        stack.send(Topics.ACCESS_APPROVED, extension, approval(extension, "ext-replayed", 1_200_000,
                List.of("id", "email")));

        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_GRANTED.name()), extension,
                found -> !found.isEmpty(), WAIT, QUIET)).hasSize(1);
        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.REVOCATION_REQUESTED.name()), old,
                found -> !found.isEmpty(), WAIT, QUIET)).singleElement().satisfies(record -> {
                    RevocationRequested revocation = (RevocationRequested) record.value();
                    assertThat(record.key()).isEqualTo(old);
                    assertThat(revocation.getGrantId()).isEqualTo(GrantId.of(old).value());
                    assertThat(revocation.getReason()).isEqualTo("superseded by grant "
                            + GrantId.of(extension).value() + " of extension request " + extension);
                });
    }
}
