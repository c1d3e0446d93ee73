package dev.lapse.request.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRejected;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ApprovalPending;
import dev.lapse.event.RevocationRequested;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.request.identity.Caller;
import dev.lapse.request.identity.CallerClaims;
import dev.lapse.request.identity.EmbeddedIssuer;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.testing.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Who may call request-service, on a real broker and registry, with the embedded issuer: calls without a token or
 * with a token the issuer did not sign are refused with 401 and publish nothing; a caller cannot submit as someone
 * else, read or revoke what is not theirs; an ingress system that is not trusted cannot name requesters; the JWKS
 * verifies the issuer's tokens, and a restart keeps the key.
 */
class IdentityIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** After the expected events, how long nothing more may arrive: a forged event arriving late is the bug. */
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final TestStack stack = TestStack.get();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static Path identity;
    private static ConfigurableApplicationContext app;
    private static String baseUrl;
    /** Tokens from the token files of the configured users, and one minted for a user no file is written for. */
    private static String alice;
    private static String carol;
    private static String admin;
    private static String mallory;

    @BeforeAll
    static void start() throws Exception {
        identity = Files.createTempDirectory("lapse-identity-it-");
        app = RequestServiceApplication.builder().run(args("identity-it"));
        baseUrl = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        alice = tokenFile("alice");
        carol = tokenFile("carol");
        admin = tokenFile("admin");
        mallory = EmbeddedIssuer.load(identity).mint(Caller.of("mallory", Set.of("support")), Duration.ofHours(1));
    }

    private static String[] args(String instance) {
        return stack.springArgs("--lapse.instance-id=" + instance,
                "--lapse.identity.embedded.directory=" + identity,
                "--lapse.identity.embedded.users.alice=support",
                "--lapse.identity.embedded.users.carol=data-owners",
                "--lapse.identity.embedded.users.admin=lapse-admins",
                "--lapse.request.ingress.trusted-systems=helpdesk");
    }

    private static String tokenFile(String user) throws Exception {
        return Files.readString(EmbeddedIssuer.tokenFile(identity, user)).trim();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static HttpResponse<String> call(String method, String path, @Nullable String token, String json)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .method(method, json.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, @Nullable String token) throws Exception {
        return call("GET", path, token, "");
    }

    private static HttpResponse<String> post(String path, @Nullable String token, String json) throws Exception {
        return call("POST", path, token, json);
    }

    private static String submission(String requestId, String requester) {
        return """
                {"requestId": "%s",%s
                 "resource": {"kind": "postgres", "name": "crm.public.customers"},
                 "scope": {"actions": ["SELECT"], "columns": ["id", "email"]},
                 "reason": "INC-1234: customer locked out", "duration": "PT30S"}"""
                .formatted(requestId, requester.isEmpty() ? "" : "\n \"requester\": " + requester + ",");
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":" + status).contains("\"detail\":")
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("<html");
    }

    /**
     * Every record keyed {@code key} on the topics, read until nothing more came for the quiet period. The ingress
     * topic is read raw: other tests put records there that no deserializer reads (poison on purpose).
     */
    private static List<ConsumerRecord<String, ?>> settled(String key) {
        List<ConsumerRecord<String, ?>> found = new ArrayList<>(stack.awaitRawRecordsThenQuiet(
                Topics.ACCESS_SUBMITTED.name(), key, any -> true, WAIT, QUIET));
        found.addAll(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_REQUESTED.name(),
                Topics.ACCESS_REJECTED.name(), Topics.REVOCATION_REQUESTED.name()), key, any -> true, WAIT, QUIET));
        return found;
    }

    // --- 401 ---

    @Test
    void forgedCalls_withoutAToken_answer401Problems_andPublishNothing() throws Exception {
        HttpResponse<String> submitted = post("/v1/requests", null, submission("id-forged",
                "{\"id\": \"alice\", \"groups\": [\"lapse-admins\"]}"));
        HttpResponse<String> revoked = post("/v1/grants/g-id-forged/revoke", null, "{\"reason\": \"x\"}");
        HttpResponse<String> read = get("/v1/requests/id-forged", null);

        for (HttpResponse<String> response : List.of(submitted, revoked, read)) {
            assertProblem(response, 401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    header -> assertThat(header).startsWith("Bearer"));
            assertThat(response.body()).contains("\"title\":\"Not authenticated\"")
                    .contains("send Authorization: Bearer <JWT>");
        }
        assertThat(settled("id-forged")).isEmpty();
    }

    @Test
    void tokensTheIssuerDidNotSign_orExpired_orNoJwtAtAll_answer401() throws Exception {
        String otherKeys = EmbeddedIssuer.openOrCreate(Files.createTempDirectory("lapse-other-issuer-"),
                CallerClaims.DEFAULT, Clock.systemUTC()).mint(Caller.of("alice", Set.of("support")),
                Duration.ofHours(1));
        String expired = EmbeddedIssuer.load(identity, CallerClaims.DEFAULT,
                Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC))
                .mint(Caller.of("alice", Set.of("support")), Duration.ofHours(1));

        for (String token : List.of(otherKeys, expired, "not-a-jwt")) {
            HttpResponse<String> response = post("/v1/requests", token, submission("id-bad-token", ""));
            assertProblem(response, 401);
            assertThat(response.body()).contains("The bearer token was refused: ");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    header -> assertThat(header).contains("error=\"invalid_token\""));
        }
        assertThat(settled("id-bad-token")).isEmpty();
    }

    // --- who submits ---

    @Test
    void aBodyNamingSomeoneElse_answers403_andPublishesNothing() throws Exception {
        HttpResponse<String> response = post("/v1/requests", mallory, submission("id-impersonation",
                "{\"id\": \"alice\", \"groups\": [\"support\"]}"));

        assertProblem(response, 403);
        assertThat(response.body()).contains("\"title\":\"Not allowed\"")
                .contains("the body names 'alice' as the requester, but the token is mallory's");
        assertThat(settled("id-impersonation")).isEmpty();
    }

    @Test
    void theRequesterIsTheCaller_withTheTokensGroups_whateverGroupsTheBodyNames() throws Exception {
        assertThat(post("/v1/requests", alice, submission("id-own-named",
                "{\"id\": \"alice\", \"groups\": [\"lapse-admins\"]}")).statusCode()).isEqualTo(202);
        assertThat(post("/v1/requests", alice, submission("id-own-unnamed", "")).statusCode()).isEqualTo(202);

        for (String requestId : List.of("id-own-named", "id-own-unnamed")) {
            List<ConsumerRecord<String, Object>> requested = stack.awaitRecordsThenQuiet(
                    List.of(Topics.ACCESS_REQUESTED.name()), requestId, found -> !found.isEmpty(), WAIT, QUIET);
            assertThat(requested).singleElement().satisfies(record -> {
                AccessRequested event = (AccessRequested) record.value();
                assertThat(event.getRequester().getId()).isEqualTo("alice");
                assertThat(event.getRequester().getGroups()).containsExactly("support");
                assertThat(event.getCausedBy()).isEqualTo(new Actor(ActorKind.USER, "alice"));
                assertThat(event.getSourceSystem()).isEqualTo("rest");
            });
        }
    }

    // --- who reads ---

    @Test
    void aRequest_isSeenByItsRequesterItsApproversAndAdmins_andDoesNotExistForOthers() throws Exception {
        assertThat(post("/v1/requests", alice, submission("id-read", "")).statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> get("/v1/requests/id-read", alice).statusCode() == 200);
        HttpResponse<String> unknown = get("/v1/requests/id-never-submitted", mallory);

        assertThat(get("/v1/requests/id-read", admin).statusCode()).isEqualTo(200);
        HttpResponse<String> stranger = get("/v1/requests/id-read", mallory);
        assertProblem(stranger, 404);
        assertThat(stranger.body().replace("id-read", "ID"))
                .isEqualTo(unknown.body().replace("id-never-submitted", "ID"));
        assertThat(get("/v1/requests/id-read", carol).statusCode()).isEqualTo(404);

        // once carol's group is asked to approve, carol sees it
        stack.send(Topics.APPROVAL_PENDING, "id-read", ApprovalPending.newBuilder()
                .setEventId("id-read-pending").setRequestId("id-read").setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SERVICE, "policy-engine")).setRequiredApprovals(1)
                .setApproverGroups(List.of("data-owners")).setDecideBy(Instant.now().plusSeconds(3600))
                .setPolicy("crm-read-secret-columns").build());
        await().atMost(WAIT).until(() -> get("/v1/requests/id-read", carol).statusCode() == 200);
        assertThat(get("/v1/requests/id-read", carol).body()).contains("\"groups\":[\"data-owners\"]");
        assertThat(get("/v1/requests/id-read", mallory).statusCode()).isEqualTo(404);
    }

    @Test
    void theList_showsTheCallersOwnRequests_andEveryonesToAnAdmin() throws Exception {
        assertThat(post("/v1/requests", mallory, submission("id-list-mallory", "")).statusCode()).isEqualTo(202);
        assertThat(post("/v1/requests", alice, submission("id-list-alice", "")).statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> get("/v1/requests/id-list-alice", admin).statusCode() == 200
                && get("/v1/requests/id-list-mallory", admin).statusCode() == 200);

        String mallorys = get("/v1/requests?limit=200", mallory).body();
        String alices = get("/v1/requests?limit=200", alice).body();
        String everyones = get("/v1/requests?limit=200", admin).body();

        assertThat(mallorys).contains("id-list-mallory").doesNotContain("id-list-alice")
                .doesNotContain("\"requesterId\":\"alice\"");
        assertThat(alices).contains("id-list-alice").doesNotContain("id-list-mallory");
        assertThat(everyones).contains("id-list-alice", "id-list-mallory");
    }

    // --- who revokes ---

    @Test
    void aGrant_isEndedEarlyByItsRequesterOrAnAdmin_asTheCaller_neverByAStranger() throws Exception {
        assertThat(post("/v1/requests", alice, submission("id-revoke", "")).statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> get("/v1/requests/id-revoke", alice).statusCode() == 200);
        stack.send(Topics.ACCESS_GRANTED, "id-revoke", AccessGranted.newBuilder()
                .setEventId("id-revoke-granted").setRequestId("id-revoke").setGrantId("g-id-revoke")
                .setOccurredAt(Instant.now()).setCausedBy(new Actor(ActorKind.SERVICE, "grant-issuer"))
                .setRequester(Events.accessRequested("id-revoke").getRequester())
                .setResource(Events.accessRequested("id-revoke").getResource())
                .setScope(Events.accessRequested("id-revoke").getScope())
                .setGrantedAt(Instant.now()).setExpiresAt(Instant.now().plusSeconds(600)).build());
        await().atMost(WAIT).until(() -> get("/v1/requests/id-revoke", alice).body().contains("g-id-revoke"));

        HttpResponse<String> byMallory = post("/v1/grants/g-id-revoke/revoke", mallory,
                "{\"by\": \"alice\", \"reason\": \"I say so\"}");
        HttpResponse<String> byCarol = post("/v1/grants/g-id-revoke/revoke", carol, "{\"reason\": \"x\"}");
        assertProblem(byMallory, 403);
        assertThat(byMallory.body()).contains("mallory may not end grant g-id-revoke: only its requester or a member"
                + " of lapse-admins may");
        assertProblem(byCarol, 403);

        assertThat(post("/v1/grants/g-id-revoke/revoke", alice, "{\"by\": \"mallory\", \"reason\": \"done early\"}")
                .statusCode()).isEqualTo(202);
        assertThat(post("/v1/grants/g-id-revoke/revoke", admin, "").statusCode()).isEqualTo(202);

        List<ConsumerRecord<String, Object>> revocations = stack.awaitRecordsThenQuiet(
                List.of(Topics.REVOCATION_REQUESTED.name()), "id-revoke", found -> found.size() >= 2, WAIT, QUIET);
        assertThat(revocations).extracting(record -> ((RevocationRequested) record.value()).getCausedBy())
                .containsExactly(new Actor(ActorKind.USER, "alice"), new Actor(ActorKind.USER, "admin"));
        assertThat(((RevocationRequested) revocations.get(0).value()).getReason()).isEqualTo("done early");
    }

    @Test
    void redrivingParkedRecords_isForAdmins() throws Exception {
        HttpResponse<String> response = post("/v1/dead-letters/lapse.access.requested/redrive", alice, "");

        assertProblem(response, 403);
        assertThat(response.body()).contains("re-driving parked records is for members of lapse-admins");
    }

    // --- the Kafka ingress ---

    @Test
    void ingress_fromASystemThatIsNotTrusted_isParkedWithTheReason_andRejectedToTheRequester() {
        AccessRequested fromCrm = Events.accessRequested("id-untrusted");
        fromCrm.setSourceSystem("crm-sync");
        stack.send(Topics.ACCESS_SUBMITTED, "id-untrusted", fromCrm);

        String reason = "source system crm-sync is not trusted to name requesters"
                + " (lapse.request.ingress.trusted-systems)";
        List<ConsumerRecord<String, byte[]>> parked = stack.awaitRawRecords(Topics.ACCESS_SUBMITTED.deadLetterName(),
                "id-untrusted", found -> !found.isEmpty(), WAIT);
        assertThat(new String(parked.get(0).headers().lastHeader(DeadLetterRouting.REASON_HEADER).value(),
                StandardCharsets.UTF_8)).isEqualTo(reason);
        List<ConsumerRecord<String, Object>> events = stack.awaitRecordsThenQuiet(
                List.of(Topics.ACCESS_REQUESTED.name(), Topics.ACCESS_REJECTED.name()), "id-untrusted",
                found -> !found.isEmpty(), WAIT, QUIET);
        assertThat(events).singleElement().satisfies(record -> {
            AccessRejected rejected = (AccessRejected) record.value();
            assertThat(rejected.getReason()).isEqualTo(reason);
            assertThat(rejected.getSourceSystem()).isEqualTo("crm-sync");
        });
    }

    // --- the embedded issuer ---

    @Test
    void theJwks_isOpen_andVerifiesTheIssuersTokens() throws Exception {
        HttpResponse<String> jwks = get("/.well-known/jwks.json", null);

        assertThat(jwks.statusCode()).isEqualTo(200);
        JWKSet keys = JWKSet.parse(jwks.body());
        SignedJWT token = SignedJWT.parse(alice);
        assertThat(keys.getKeyByKeyId(token.getHeader().getKeyID())).isNotNull().satisfies(key -> {
            assertThat(key.isPrivate()).isFalse();
            assertThat(token.verify(new ECDSAVerifier(key.toECKey()))).isTrue();
        });
        assertThat(jwks.body()).doesNotContain("\"d\"");
    }

    @Test
    void healthAndPrometheus_areOpen_theOtherActuatorEndpointsAreNot() throws Exception {
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(200);
        assertProblem(get("/actuator/metrics", null), 401);
        assertThat(get("/actuator/metrics", admin).statusCode()).isEqualTo(200);
    }

    @Test
    void tokenFiles_areWrittenForEachConfiguredUser_readableByTheirOwnerOnly() throws Exception {
        try (var files = Files.list(identity.resolve(EmbeddedIssuer.TOKENS_DIRECTORY))) {
            assertThat(files.map(path -> path.getFileName().toString()).sorted())
                    .containsExactly("admin.jwt", "alice.jwt", "carol.jwt");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                EmbeddedIssuer.tokenFile(identity, "alice")))).isEqualTo("rw-------");
        assertThat(SignedJWT.parse(carol).getJWTClaimsSet().getStringListClaim("groups"))
                .containsExactly("data-owners");
    }

    @Test
    void aRestart_reusesTheKey_soTokensIssuedBeforeStillVerify() throws Exception {
        String keyBefore = JWKSet.parse(get("/.well-known/jwks.json", null).body()).getKeys().get(0).getKeyID();
        String mintedBefore = EmbeddedIssuer.load(identity).mint(Caller.of("alice", Set.of("support")),
                Duration.ofHours(1));

        app.close();
        app = RequestServiceApplication.builder().run(args("identity-it-restarted"));
        baseUrl = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");

        assertThat(JWKSet.parse(get("/.well-known/jwks.json", null).body()).getKeys()).singleElement()
                .satisfies(key -> assertThat(key.getKeyID()).isEqualTo(keyBefore));
        assertThat(get("/v1/requests", mintedBefore).statusCode()).isEqualTo(200);
        assertThat(get("/v1/requests", alice).statusCode()).isEqualTo(200);
        assertThat(get("/v1/requests", tokenFile("alice")).statusCode()).isEqualTo(200);
    }
}
