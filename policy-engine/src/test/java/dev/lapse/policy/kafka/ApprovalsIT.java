package dev.lapse.policy.kafka;

import static dev.lapse.policy.kafka.Approvals.DECISIONS;
import static dev.lapse.policy.kafka.Approvals.QUIET;
import static dev.lapse.policy.kafka.Approvals.WAIT;
import static dev.lapse.policy.kafka.Approvals.awaitConsumed;
import static dev.lapse.policy.kafka.Approvals.awaitState;
import static dev.lapse.policy.kafka.Approvals.secretColumns;
import static dev.lapse.policy.kafka.Approvals.states;
import static dev.lapse.policy.kafka.Approvals.vote;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.ApprovalPending;
import dev.lapse.event.ApprovalTier;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.Scope;
import dev.lapse.event.Vote;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.testing.TestStack;
import dev.lapse.state.PendingApproval;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Approvals on a real broker and registry, with the bundled sample set: alice (support) asking for the secret
 * column {@code ssn} needs a peer from support AND a member of data-owners.
 */
class ApprovalsIT {

    private static final String RULES = "crm-read-named-columns,crm-read-secret-columns";
    private static final TestStack stack = TestStack.get();
    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() {
        app = PolicyEngineApplication.builder().run(stack.springArgs("--lapse.instance-id=approvals-it"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static double refused(String reason) {
        return app.getBean(MeterRegistry.class).get(DecisionListener.VOTES_REFUSED).tag("reason", reason).counter()
                .count();
    }

    @Test
    void twoApprovers_approvedOnlyByTheSecondDistinctEligibleVote_selfOutsiderAndRepeatsChangeNothing() {
        String id = "ap-two";
        double requesterBefore = refused("requester");
        double outsiderBefore = refused("not_an_approver");
        stack.send(Topics.ACCESS_REQUESTED, id, secretColumns(id));

        List<ConsumerRecord<String, Object>> pending = stack.awaitRecords(List.of(Topics.APPROVAL_PENDING.name()),
                id, found -> !found.isEmpty(), WAIT);
        assertThat(pending).singleElement().satisfies(record -> {
            ApprovalPending event = (ApprovalPending) record.value();
            assertThat(event.getRequiredApprovals()).isEqualTo(2);
            assertThat(event.getApproverGroups()).containsExactly("data-owners", "support");
            assertThat(event.getTiers()).containsExactly(new ApprovalTier(1, List.of("support")),
                    new ApprovalTier(1, List.of("data-owners")));
            assertThat(event.getRules()).containsExactly("crm-read-named-columns", "crm-read-secret-columns");
            assertThat(event.getPolicy()).isEqualTo(RULES);
            assertThat(Duration.between(event.getOccurredAt(), event.getDecideBy())).isEqualTo(Duration.ofHours(4));
        });
        awaitState(stack, id, 0);

        // the requester, an outsider, then carol (support) three times: one event delivered twice, and again
        stack.send(Topics.APPROVAL_VOTES, id, vote(id, "v-alice", "alice@example.com", List.of("support",
                "data-owners"), Vote.APPROVE, "me"));
        stack.send(Topics.APPROVAL_VOTES, id, vote(id, "v-mallory", "mallory", List.of("marketing"), Vote.APPROVE,
                null));
        stack.send(Topics.APPROVAL_VOTES, id, vote(id, "v-carol", "carol", List.of("support"), Vote.APPROVE, "ok"));
        stack.send(Topics.APPROVAL_VOTES, id, vote(id, "v-carol", "carol", List.of("support"), Vote.APPROVE, "ok"));
        stack.send(Topics.APPROVAL_VOTES, id, vote(id, "v-carol-2", "carol", List.of("support"), Vote.APPROVE,
                "again"));
        awaitConsumed(stack, Topics.APPROVAL_VOTES.name());

        PendingApproval state = awaitState(stack, id, 1);
        assertThat(state.getVotes()).singleElement().satisfies(recorded ->
                assertThat(recorded.getVoter()).isEqualTo("carol"));
        assertThat(stack.awaitRecordsThenQuiet(DECISIONS, id, found -> true, WAIT, QUIET)).isEmpty();
        assertThat(refused("requester")).isEqualTo(requesterBefore + 1);
        assertThat(refused("not_an_approver")).isEqualTo(outsiderBefore + 1);

        stack.send(Topics.APPROVAL_VOTES, id, vote(id, "v-dave", "dave", List.of("data-owners"), Vote.APPROVE,
                null));

        List<ConsumerRecord<String, Object>> decisions = stack.awaitRecordsThenQuiet(DECISIONS, id,
                found -> !found.isEmpty(), WAIT, QUIET);
        assertThat(decisions).singleElement().satisfies(record -> {
            AccessApproved approved = (AccessApproved) record.value();
            assertThat(approved.getApprovers()).containsExactly("carol", "dave");
            assertThat(approved.getPolicy()).isEqualTo(RULES);
            assertThat(approved.getApprovedDurationMs()).isEqualTo(30_000L);
            assertThat(approved.getScope().getColumns()).containsExactly("email", "ssn");
            assertThat(approved.getRequester()).isEqualTo(new Requester("alice@example.com", List.of("support")));
            assertThat(approved.getBreakGlass()).isFalse();
        });
        List<Object> states = states(stack, id);
        assertThat(states).hasSize(3).last().isNull(); // pending, carol's vote, tombstone
    }

    @Test
    void denyByAnEligibleApprover_deniesNamingTheVoterAndComment() {
        String id = "ap-deny";
        stack.send(Topics.ACCESS_REQUESTED, id, secretColumns(id));
        awaitState(stack, id, 0);

        stack.send(Topics.APPROVAL_VOTES, id, vote(id, "v-dave-no", "dave", List.of("data-owners"), Vote.DENY,
                "not without a case"));

        assertThat(stack.awaitRecordsThenQuiet(DECISIONS, id, found -> !found.isEmpty(), WAIT, QUIET))
                .singleElement().satisfies(record -> {
                    AccessDenied denied = (AccessDenied) record.value();
                    assertThat(denied.getReason()).isEqualTo("denied by dave: not without a case");
                    assertThat(denied.getPolicy()).isEqualTo(RULES);
                });
    }

    @Test
    void withdrawal_byTheRequesterEndsTheRequest_byAnyoneElseChangesNothing() {
        String id = "ap-withdraw";
        double otherBefore = refused("not_the_requester");
        stack.send(Topics.ACCESS_REQUESTED, id, secretColumns(id));
        awaitState(stack, id, 0);

        stack.send(Topics.APPROVAL_VOTES, id, vote(id, "w-carol", "carol", List.of("support"), Vote.WITHDRAW, null));
        stack.send(Topics.APPROVAL_VOTES, id, vote(id, "w-alice", "alice@example.com", List.of("support"),
                Vote.WITHDRAW, "solved without it"));

        assertThat(stack.awaitRecordsThenQuiet(DECISIONS, id, found -> !found.isEmpty(), WAIT, QUIET))
                .singleElement().satisfies(record -> {
                    AccessDenied denied = (AccessDenied) record.value();
                    assertThat(denied.getReason()).isEqualTo("withdrawn by the requester");
                    assertThat(denied.getRequesterId()).isEqualTo("alice@example.com");
                    assertThat(denied.getPolicy()).isEqualTo(RULES);
                });
        assertThat(refused("not_the_requester")).isEqualTo(otherBefore + 1);
        assertThat(states(stack, id)).last().isNull();
    }

    @Test
    void breakGlass_isApprovedWithoutApprovers_flagged_andLoggedAsAWarning() {
        String id = "ap-break-glass";
        AccessRequested request = Approvals.request(id, "olivia", List.of("oncall"), "crm.public.customers",
                List.of("ssn"));
        request.setScope(new Scope(List.of("SELECT"), List.of("ssn"), null));
        request.setTicket("INC-77");
        request.setReason("INC-77: payments failing");
        request.setBreakGlass(true);
        ListAppender<ILoggingEvent> logLines = new ListAppender<>();
        logLines.start();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(logLines);
        try {
            stack.send(Topics.ACCESS_REQUESTED, id, request);

            assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_APPROVED.name(),
                    Topics.ACCESS_DENIED.name(), Topics.APPROVAL_PENDING.name()), id, found -> !found.isEmpty(), WAIT,
                    QUIET)).singleElement().satisfies(record -> {
                        AccessApproved approved = (AccessApproved) record.value();
                        assertThat(approved.getBreakGlass()).isTrue();
                        assertThat(approved.getApprovers()).isEmpty();
                        assertThat(approved.getPolicy()).isEqualTo("crm-read-secret-columns,crm-break-glass");
                        assertThat(approved.getApprovedDurationMs()).isEqualTo(30_000L);
                    });
            assertThat(logLines.list).filteredOn(line -> line.getLevel() == Level.WARN
                    && line.getFormattedMessage().startsWith("Break-glass: request " + id)).singleElement()
                    .satisfies(line -> assertThat(line.getFormattedMessage()).contains("by olivia",
                            "reason: INC-77: payments failing"));
        } finally {
            root.detachAppender(logLines);
        }
    }

    @Test
    void bundle_decidedAsOne_grantedThroughOnePartPerScope_andOnlyForItsRequestableGroups() {
        String id = "ap-bundle";
        AccessRequested bundle = Approvals.request(id, "alice", List.of("support"), "support-debug", List.of());
        bundle.setResource(new Resource("bundle", "support-debug"));
        bundle.setScope(new Scope(List.of(), List.of(), null));
        bundle.setRequestedDurationMs(Duration.ofHours(8).toMillis());
        String outsider = "ap-bundle-outsider";
        AccessRequested notAllowed = Approvals.request(outsider, "mallory", List.of("sales"), "support-debug",
                List.of());
        notAllowed.setResource(new Resource("bundle", "support-debug"));
        notAllowed.setScope(new Scope(List.of(), List.of(), null));
        stack.send(Topics.ACCESS_REQUESTED, id, bundle);
        stack.send(Topics.ACCESS_REQUESTED, outsider, notAllowed);

        List<ConsumerRecord<String, Object>> approved = stack.awaitRecordsThenQuiet(List.of(
                Topics.ACCESS_APPROVED.name(), Topics.ACCESS_DENIED.name()), key -> key.startsWith(id),
                found -> found.size() >= 4, Approvals.WAIT, Approvals.QUIET);

        assertThat(approved).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(id, id + ".part-1",
                id + ".part-2", outsider);
        assertThat(approved).filteredOn(record -> record.key().startsWith(id + ".part-")).allSatisfy(record -> {
            AccessApproved part = (AccessApproved) record.value();
            assertThat(part.getRequestId()).isEqualTo(record.key());
            assertThat(part.getPartOf()).isEqualTo(id);
            assertThat(part.getRequester().getId()).isEqualTo("alice");
            // capped by the bundle's maxDuration (2h) and the rule's (1h)
            assertThat(part.getApprovedDurationMs()).isEqualTo(Duration.ofHours(1).toMillis());
        });
        assertThat(approved).filteredOn(record -> record.key().equals(id + ".part-1")).singleElement()
                .satisfies(record -> assertThat(((AccessApproved) record.value()).getScope()).isEqualTo(
                        new Scope(List.of("SELECT"), List.of("id", "email", "region"), null)));
        assertThat(approved).filteredOn(record -> record.key().equals(id + ".part-2")).singleElement()
                .satisfies(record -> assertThat(((AccessApproved) record.value()).getResource())
                        .isEqualTo(new Resource("postgres", "crm.public.orders")));
        assertThat(approved).filteredOn(record -> record.key().equals(outsider)).singleElement()
                .satisfies(record -> assertThat(((AccessDenied) record.value()).getReason())
                        .isEqualTo("bundle support-debug may be requested by members of support only"));
    }
}
