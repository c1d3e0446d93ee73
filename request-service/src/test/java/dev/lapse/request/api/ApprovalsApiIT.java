package dev.lapse.request.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ApprovalPending;
import dev.lapse.event.ApprovalTier;
import dev.lapse.event.ApprovalVoteCast;
import dev.lapse.event.RevocationRequested;
import dev.lapse.event.Vote;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.request.identity.Caller;
import dev.lapse.request.identity.EmbeddedIssuer;
import dev.lapse.schemas.GrantIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.testing.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Votes, the approver inbox, withdrawal, "I'm done" and extension over REST, on a real broker and registry: who may
 * do what is answered at once (403, 409), and only what is allowed reaches Kafka, with the voter's groups from the
 * token. The policy-engine is not running here: its events (pending, decided, granted) are published by the test.
 */
class ApprovalsApiIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final TestStack stack = TestStack.get();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static ConfigurableApplicationContext app;
    private static String baseUrl;
    private static String alice;
    private static String bob;
    private static String carol;
    private static String mallory;

    @BeforeAll
    static void start() throws Exception {
        Path identity = Files.createTempDirectory("lapse-approvals-it-");
        app = RequestServiceApplication.builder().run(stack.springArgs("--lapse.instance-id=approvals-it",
                "--lapse.identity.embedded.directory=" + identity));
        baseUrl = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        EmbeddedIssuer issuer = EmbeddedIssuer.load(identity);
        alice = issuer.mint(Caller.of("alice", Set.of("support")), Duration.ofHours(1));
        bob = issuer.mint(Caller.of("bob", Set.of("support")), Duration.ofHours(1));
        carol = issuer.mint(Caller.of("carol", Set.of("data-owners")), Duration.ofHours(1));
        mallory = issuer.mint(Caller.of("mallory", Set.of("sales")), Duration.ofHours(1));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void votes_onlyEligibleApproversReachKafka_withTheirGroupsFromTheToken() throws Exception {
        String id = "ap-votes";
        submitAsAlice(id);
        pending(id);

        assertProblem(post("/v1/requests/" + id + "/votes", alice, "{\"decision\": \"approve\"}"), 403);
        assertProblem(post("/v1/requests/" + id + "/votes", mallory, "{\"decision\": \"approve\"}"), 403);
        assertProblem(post("/v1/requests/" + id + "/votes", bob, "{\"decision\": \"maybe\"}"), 400);
        assertThat(inbox(bob)).contains(id);
        assertThat(inbox(alice)).doesNotContain(id);
        assertThat(inbox(mallory)).doesNotContain(id);

        assertThat(post("/v1/requests/" + id + "/votes", bob, "{\"decision\": \"approve\", \"comment\": \"ok\"}")
                .statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> !inbox(bob).contains(id));
        assertThat(inbox(carol)).contains(id);
        assertThat(post("/v1/requests/" + id + "/votes", carol, "{\"decision\": \"deny\", \"comment\": \"no\"}")
                .statusCode()).isEqualTo(202);

        List<ConsumerRecord<String, Object>> votes = stack.awaitRecordsThenQuiet(
                List.of(Topics.APPROVAL_VOTES.name()), id, found -> found.size() >= 2, WAIT, QUIET);
        assertThat(votes).extracting(record -> (ApprovalVoteCast) record.value())
                .extracting(ApprovalVoteCast::getVoter, ApprovalVoteCast::getVote, ApprovalVoteCast::getVoterGroups,
                        ApprovalVoteCast::getComment)
                .containsExactly(tuple("bob", Vote.APPROVE, List.of("support"), "ok"),
                        tuple("carol", Vote.DENY, List.of("data-owners"), "no"));
    }

    @Test
    void withdraw_onlyByTheRequester_andVotesAfterTheDecisionAreTooLate() throws Exception {
        String id = "ap-withdraw";
        submitAsAlice(id);
        pending(id);

        assertProblem(post("/v1/requests/" + id + "/withdraw", bob, "{}"), 403);
        assertThat(post("/v1/requests/" + id + "/withdraw", alice, "{\"reason\": \"found another way\"}")
                .statusCode()).isEqualTo(202);
        stack.send(Topics.ACCESS_DENIED, id, AccessDenied.newBuilder().setEventId(id + "-denied").setRequestId(id)
                .setOccurredAt(Instant.now()).setCausedBy(new Actor(ActorKind.SERVICE, "policy-engine"))
                .setRequesterId("alice").setReason("withdrawn by the requester").setPolicy("test").build());
        await().atMost(WAIT).until(() -> get("/v1/requests/" + id, alice).body().contains("\"status\":\"DENIED\""));

        assertProblem(post("/v1/requests/" + id + "/votes", bob, "{\"decision\": \"approve\"}"), 409);
        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.APPROVAL_VOTES.name()), id, found -> !found.isEmpty(),
                WAIT, QUIET)).singleElement().satisfies(record -> {
                    ApprovalVoteCast vote = (ApprovalVoteCast) record.value();
                    assertThat(vote.getVoter()).isEqualTo("alice");
                    assertThat(vote.getVote()).isEqualTo(Vote.WITHDRAW);
                    assertThat(vote.getComment()).isEqualTo("found another way");
                });
    }

    @Test
    void doneAndExtend_onlyTheRequester_extensionAsksForTheSameAccessLinkedToTheGrant() throws Exception {
        String id = "ap-grant";
        submitAsAlice(id);
        String grantId = GrantIds.of(id);
        AccessRequested requested = (AccessRequested) stack.awaitRecords(List.of(Topics.ACCESS_REQUESTED.name()), id,
                found -> !found.isEmpty(), WAIT).get(0).value();
        Instant now = Instant.now();
        stack.send(Topics.ACCESS_GRANTED, id, AccessGranted.newBuilder().setEventId(id + "-granted").setRequestId(id)
                .setGrantId(grantId).setOccurredAt(now).setCausedBy(new Actor(ActorKind.SERVICE, "grant-issuer"))
                .setRequester(requested.getRequester()).setResource(requested.getResource())
                .setScope(requested.getScope()).setGrantedAt(now).setExpiresAt(now.plus(Duration.ofMinutes(10)))
                .build());
        await().atMost(WAIT).until(() -> get("/v1/requests/" + id, alice).body().contains("\"status\":\"GRANTED\""));

        assertProblem(post("/v1/grants/" + grantId + "/extend", bob, "{\"duration\": \"PT20M\"}"), 403);
        assertProblem(post("/v1/grants/" + grantId + "/done", bob, "{}"), 403);
        assertProblem(post("/v1/grants/no-such-grant/done", alice, "{}"), 404);
        HttpResponse<String> extended = post("/v1/grants/" + grantId + "/extend", alice,
                "{\"duration\": \"PT20M\", \"reason\": \"still debugging INC-1234\"}");
        assertThat(extended.statusCode()).as(extended.body()).isEqualTo(202);
        String extensionId = extended.body().replaceAll(".*\"requestId\":\"([^\"]+)\".*", "$1");
        assertThat(post("/v1/grants/" + grantId + "/done", alice, "{\"reason\": \"fixed\"}").statusCode())
                .isEqualTo(202);

        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_REQUESTED.name()), extensionId,
                found -> !found.isEmpty(), WAIT, QUIET)).singleElement().satisfies(record -> {
                    AccessRequested extension = (AccessRequested) record.value();
                    assertThat(extension.getExtendsRequestId()).isEqualTo(id);
                    assertThat(extension.getRequester().getId()).isEqualTo("alice");
                    assertThat(extension.getResource()).isEqualTo(requested.getResource());
                    assertThat(extension.getScope()).isEqualTo(requested.getScope());
                    assertThat(extension.getRequestedDurationMs()).isEqualTo(Duration.ofMinutes(20).toMillis());
                    assertThat(extension.getReason()).isEqualTo("still debugging INC-1234");
                });
        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.REVOCATION_REQUESTED.name()), id,
                found -> !found.isEmpty(), WAIT, QUIET)).singleElement().satisfies(record -> {
                    RevocationRequested revocation = (RevocationRequested) record.value();
                    assertThat(revocation.getGrantId()).isEqualTo(grantId);
                    assertThat(revocation.getCausedBy().getId()).isEqualTo("alice");
                    assertThat(revocation.getReason()).isEqualTo("done: fixed");
                });
    }

    private static void submitAsAlice(String requestId) throws Exception {
        HttpResponse<String> response = post("/v1/requests", alice, """
                {"requestId": "%s",
                 "resource": {"kind": "postgres", "name": "crm.public.customers"},
                 "scope": {"actions": ["SELECT"], "columns": ["id", "ssn"]},
                 "reason": "INC-1234: customer locked out", "duration": "PT30M"}""".formatted(requestId));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static void pending(String requestId) {
        stack.send(Topics.APPROVAL_PENDING, requestId, ApprovalPending.newBuilder().setEventId(requestId + "-pending")
                .setRequestId(requestId).setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SERVICE, "policy-engine")).setRequiredApprovals(2)
                .setApproverGroups(List.of("data-owners", "support"))
                .setDecideBy(Instant.now().plus(Duration.ofHours(1))).setPolicy("crm-read-secret-columns")
                .setTiers(List.of(new ApprovalTier(1, List.of("support")), new ApprovalTier(1, List.of("data-owners"))))
                .setRules(List.of("crm-read-secret-columns")).build());
        await().atMost(WAIT).until(() -> get("/v1/requests/" + requestId, alice).body()
                .contains("\"status\":\"PENDING_APPROVAL\""));
    }

    private static String inbox(String token) throws Exception {
        HttpResponse<String> response = get("/v1/approvals", token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String token, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"detail\":").doesNotContain("Exception");
    }
}
