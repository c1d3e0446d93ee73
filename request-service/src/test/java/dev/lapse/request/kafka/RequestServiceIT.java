package dev.lapse.request.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lapse.event.AccessRejected;
import dev.lapse.event.AccessRequested;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.request.identity.Caller;
import dev.lapse.request.identity.EmbeddedIssuer;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRedrive;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.testing.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * request-service on a real broker and registry: REST and the Kafka ingress, called as alice with a token of the
 * embedded issuer (who may do what is {@code IdentityIT}'s).
 */
class RequestServiceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** After the expected events, how long nothing more may arrive: a late duplicate is the bug. */
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final TestStack stack = TestStack.get();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static ConfigurableApplicationContext app;
    private static String baseUrl;
    private static Path identity;
    /** Bearer tokens of the requester of these tests' requests, and of an admin. */
    private static String alice;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        identity = Files.createTempDirectory("lapse-rs-identity-");
        app = RequestServiceApplication.builder().run(args());
        baseUrl = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        EmbeddedIssuer issuer = EmbeddedIssuer.load(identity);
        alice = issuer.mint(Caller.of("alice@example.com", Set.of("support")), Duration.ofHours(1));
        admin = issuer.mint(Caller.of("admin", Set.of("lapse-admins")), Duration.ofHours(1));
    }

    /** The embedded issuer in a directory of this test's own; the test's ingress system, helpdesk, is trusted. */
    private static String[] args(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--lapse.identity.embedded.directory=" + identity,
                "--lapse.request.ingress.trusted-systems=helpdesk"));
        args.addAll(List.of(more));
        return stack.springArgs(args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return post(path, json, alice);
    }

    private static HttpResponse<String> post(String path, String json, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + alice)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    // --- REST ---

    @Test
    void post_whenValid_publishesTheRequestAndShowsItsTimeline() throws Exception {
        HttpResponse<String> response = post("/v1/requests", """
                {"requestId": "rs-rest-1",
                 "requester": {"id": "alice@example.com", "groups": ["support"]},
                 "resource": {"kind": "postgres", "name": "crm.public.customers"},
                 "scope": {"actions": ["select"], "columns": ["id", "email"]},
                 "reason": "INC-1234: customer locked out", "duration": "PT30S"}""");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Location")).contains("/v1/requests/rs-rest-1");
        // Written from the gate's verdict without a second dispatch (AsyncAnswers): still a whole answer, with the
        // headers the security filters add, and counted by the server's request metrics under its status.
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).contains("\"requestId\":\"rs-rest-1\"").contains("\"status\":\"REQUESTED\"");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(
                value -> assertThat(value).contains("no-store"));
        // ... and the REST producer's own Kafka metrics count the write.
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("/actuator/prometheus").body())
                .containsPattern("http_server_requests_seconds_count\\{[^}]*method=\"POST\"[^}]*status=\"202\""
                        + "[^}]*uri=\"/v1/requests\"[^}]*} [1-9]")
                .containsPattern("kafka_producer_record_send_total\\{client_id=\"lapse-rest-writes\"[^}]*} [1-9]"));
        List<ConsumerRecord<String, Object>> records = stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_REQUESTED.name()),
                "rs-rest-1", found -> !found.isEmpty(), WAIT, QUIET);
        AccessRequested requested = (AccessRequested) records.get(0).value();
        assertThat(requested.getScope().getActions()).containsExactly("SELECT");
        assertThat(requested.getRequestedDurationMs()).isEqualTo(30_000);
        assertThat(requested.getSourceSystem()).isEqualTo("rest");
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> timeline = get("/v1/requests/rs-rest-1");
            assertThat(timeline.statusCode()).isEqualTo(200);
            assertThat(timeline.body()).contains("\"status\":\"REQUESTED\"").contains("alice@example.com");
        });
    }

    @Test
    void post_whenInvalid_answers400ProblemWithEveryViolation() throws Exception {
        HttpResponse<String> response = post("/v1/requests", """
                {"resource": {"kind": "postgres", "name": "crm.customers"},
                 "scope": {"actions": ["TRUNCATE"], "columns": ["email"]}, "duration": "30 seconds"}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body())
                .contains("\"title\":\"Invalid access request\"")
                .contains("duration '30 seconds' is not an ISO-8601 duration")
                .contains("must be database.schema.table")
                .contains("'TRUNCATE' is not one of")
                .contains("reason is required")
                .doesNotContain("Exception");
    }

    @Test
    void post_whenMalformedJson_answers400Problem() throws Exception {
        HttpResponse<String> response = post("/v1/requests", "{\"requester\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void get_whenUnknown_answers404Problem() throws Exception {
        HttpResponse<String> response = get("/v1/requests/never-seen");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("No request never-seen is known");
    }

    // --- Kafka ingress ---

    @Test
    void ingress_whenValid_publishesTheValidatedRequest() {
        stack.send(Topics.ACCESS_SUBMITTED, "rs-ingress-ok", Events.accessRequested("rs-ingress-ok"));

        List<ConsumerRecord<String, Object>> records = stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_REQUESTED.name()),
                "rs-ingress-ok", found -> !found.isEmpty(), WAIT, QUIET);

        assertThat(((AccessRequested) records.get(0).value()).getSourceSystem()).isEqualTo("helpdesk");
    }

    @Test
    void ingress_whenInvalid_parksItWithReasonAndRejectsToTheRequester() {
        AccessRequested invalid = Events.accessRequested("rs-ingress-bad");
        invalid.setReason(" ");
        invalid.setRequestedDurationMs(0);
        stack.send(Topics.ACCESS_SUBMITTED, "rs-ingress-bad", invalid);

        List<ConsumerRecord<String, byte[]>> parked = stack.awaitRawRecords(Topics.ACCESS_SUBMITTED.deadLetterName(),
                "rs-ingress-bad", found -> !found.isEmpty(), WAIT);
        assertThat(new String(parked.get(0).headers().lastHeader(DeadLetterRouting.REASON_HEADER).value(),
                StandardCharsets.UTF_8)).isEqualTo("invalid request: reason is required: say why access is needed;"
                        + " duration must be between PT1S and PT12H, got PT0S");
        List<ConsumerRecord<String, Object>> rejected = stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_REJECTED.name()),
                "rs-ingress-bad", found -> !found.isEmpty(), WAIT, QUIET);
        assertThat(((AccessRejected) rejected.get(0).value()).getViolations()).hasSize(2);
        assertThat(((AccessRejected) rejected.get(0).value()).getRequesterId()).isEqualTo("alice@example.com");
    }

    @Test
    void ingress_whenUnreadable_parksTheExactBytes_andGoesOn() {
        byte[] poison = "{\"requestId\":\"rs-poison\"}".getBytes(StandardCharsets.UTF_8);
        stack.sendRaw(Topics.ACCESS_SUBMITTED.name(), "rs-poison", poison);
        stack.send(Topics.ACCESS_SUBMITTED, "rs-poison", Events.accessRequested("rs-poison"));

        List<ConsumerRecord<String, byte[]>> parked = stack.awaitRawRecords(Topics.ACCESS_SUBMITTED.deadLetterName(),
                "rs-poison", found -> !found.isEmpty(), WAIT);
        assertThat(parked.get(0).value()).isEqualTo(poison);
        assertThat(new String(parked.get(0).headers().lastHeader(DeadLetterRouting.REASON_HEADER).value(),
                StandardCharsets.UTF_8)).contains("unknown magic byte 0x7b");
        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_REQUESTED.name()), "rs-poison",
                found -> !found.isEmpty(), WAIT, QUIET)).hasSize(1);
    }

    // --- One request, at most one acceptance ---


    private static String body(String requestId, String columns, String duration) {
        return """
                {"requestId": "%s",
                 "requester": {"id": "alice@example.com", "groups": ["support"]},
                 "resource": {"kind": "postgres", "name": "crm.public.customers"},
                 "scope": {"actions": ["SELECT"], "columns": [%s]},
                 "reason": "INC-1234: customer locked out", "duration": "%s"}""".formatted(requestId, columns, duration);
    }

    private static List<ConsumerRecord<String, Object>> settled(String topic, String requestId) {
        return stack.awaitRecordsThenQuiet(List.of(topic), requestId, found -> !found.isEmpty(), WAIT, QUIET);
    }

    @Test
    void post_whenTheRequestIdWasAcceptedBefore_answers409_andNothingMoreIsRequested() throws Exception {
        assertThat(post("/v1/requests", body("rs-dup-rest", "\"id\", \"email\"", "PT30S")).statusCode())
                .isEqualTo(202);

        HttpResponse<String> again = post("/v1/requests", body("rs-dup-rest", "\"id\", \"email\", \"ssn\"", "PT1H"));

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(again.body()).contains("duplicate requestId");
        assertThat(settled(Topics.ACCESS_REQUESTED.name(), "rs-dup-rest")).singleElement().satisfies(record ->
                assertThat(((AccessRequested) record.value()).getScope().getColumns()).containsExactly("id", "email"));
    }

    @Test
    void post_whenTheSameNewIdIsSubmittedConcurrently_acceptsExactlyOne() throws Exception {
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = java.util.stream.IntStream
                .range(0, 6)
                .mapToObj(i -> http.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/requests"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + alice)
                        .POST(HttpRequest.BodyPublishers.ofString(body("rs-race", "\"c" + i + "\"", "PT30S"))).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();

        List<Integer> statuses = calls.stream().map(java.util.concurrent.CompletableFuture::join)
                .map(HttpResponse::statusCode).toList();

        assertThat(statuses).containsOnly(202, 409).filteredOn(status -> status == 202).hasSize(1);
        assertThat(settled(Topics.ACCESS_REQUESTED.name(), "rs-race")).hasSize(1);
    }

    @Test
    void ingress_whenTheRequestIdWasAcceptedBefore_rejectsAndParksIt_whateverItAsks() {
        stack.send(Topics.ACCESS_SUBMITTED, "rs-dup-ingress", Events.accessRequested("rs-dup-ingress"));
        stack.awaitRecords(List.of(Topics.ACCESS_REQUESTED.name()), "rs-dup-ingress", found -> !found.isEmpty(), WAIT);
        AccessRequested wider = Events.accessRequested("rs-dup-ingress");
        wider.setEventId("a-second-submission");
        wider.getScope().setColumns(List.of("id", "email", "ssn"));
        wider.setRequestedDurationMs(3_600_000L);

        stack.send(Topics.ACCESS_SUBMITTED, "rs-dup-ingress", wider);

        List<ConsumerRecord<String, byte[]>> parked = stack.awaitRawRecords(Topics.ACCESS_SUBMITTED.deadLetterName(),
                "rs-dup-ingress", found -> !found.isEmpty(), WAIT);
        assertThat(new String(parked.get(0).headers().lastHeader(DeadLetterRouting.REASON_HEADER).value(),
                StandardCharsets.UTF_8)).startsWith("duplicate requestId");
        assertThat(settled(Topics.ACCESS_REJECTED.name(), "rs-dup-ingress")).singleElement().satisfies(record ->
                assertThat(((AccessRejected) record.value()).getReason()).startsWith("duplicate requestId"));
        assertThat(settled(Topics.ACCESS_REQUESTED.name(), "rs-dup-ingress")).singleElement().satisfies(record ->
                assertThat(((AccessRequested) record.value()).getScope().getColumns()).containsExactly("id", "email"));
    }

    @Test
    void ingress_whenWrittenToAnotherPartitionThanItsKeys_isStillJudgedByItsKey() {
        String id = "rs-misrouted";
        int home = dev.lapse.schemas.kafka.Partitions.of(id);
        stack.send(Topics.ACCESS_SUBMITTED, (home + 1) % Topics.PARTITIONS, id, Events.accessRequested(id));
        stack.awaitRecords(List.of(Topics.ACCESS_REQUESTED.name()), id, found -> !found.isEmpty(), WAIT);
        AccessRequested replay = Events.accessRequested(id);
        replay.setEventId("replayed-elsewhere");

        stack.send(Topics.ACCESS_SUBMITTED, (home + 2) % Topics.PARTITIONS, id, replay);

        stack.awaitRecords(List.of(Topics.ACCESS_REJECTED.name()), id, found -> !found.isEmpty(), WAIT);
        assertThat(settled(Topics.ACCESS_REQUESTED.name(), id)).singleElement()
                .satisfies(record -> assertThat(record.partition()).isEqualTo(home));
    }

    @Test
    void acceptedIds_surviveARestart() throws Exception {
        // Both forms the guard keeps: a UUID in canonical form (packed in its ClaimTable) and any other id (as text).
        List<String> ids = List.of("rs-dup-restart", UUID.randomUUID().toString());
        for (String id : ids) {
            stack.send(Topics.ACCESS_SUBMITTED, id, Events.accessRequested(id));
            stack.awaitRecords(List.of(Topics.ACCESS_REQUESTED.name()), id, found -> !found.isEmpty(), WAIT);
        }

        ConfigurableApplicationContext restarted = RequestServiceApplication.builder()
                .run(args("--lapse.instance-id=rs-restarted"));
        try {
            app.close();
            for (String id : ids) {
                AccessRequested replay = Events.accessRequested(id);
                replay.setEventId("replayed-after-restart-" + id);
                stack.send(Topics.ACCESS_SUBMITTED, id, replay);
            }

            for (String id : ids) {
                stack.awaitRecords(List.of(Topics.ACCESS_REJECTED.name()), id, found -> !found.isEmpty(), WAIT);
                assertThat(settled(Topics.ACCESS_REQUESTED.name(), id)).as(id).hasSize(1);
            }
        } finally {
            app = restarted;
            baseUrl = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        }
    }

    // --- Re-driving parked records ---

    @Test
    void redrive_publishesEachParkedRecordBackExactlyOnce_whenCalledTwice() throws Exception {
        List<String> keys = List.of("rs-redrive-1", "rs-redrive-2");
        Map<String, byte[]> parked = new HashMap<>();
        for (String key : keys) {
            parked.put(key, stack.serialize(Topics.ACCESS_REQUESTED, Events.accessRequested(key)));
            stack.sendRaw(Topics.ACCESS_REQUESTED.deadLetterName(), key, parked.get(key), Map.of(
                    DeadLetterRouting.REASON_HEADER, "schema registry at http://registry is unreachable",
                    "kafka_dlt-original-offset", "7", "trace-id", "t-" + key));
        }

        HttpResponse<String> first = post("/v1/dead-letters/lapse.access.requested/redrive", "", admin);
        HttpResponse<String> second = post("/v1/dead-letters/lapse.access.requested/redrive", "", admin);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("\"redriven\":2")
                .contains("\"deadLetterTopic\":\"lapse.access.requested.dlt\"");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("\"redriven\":0");
        for (String key : keys) {
            List<ConsumerRecord<String, byte[]>> redriven = stack.awaitRawRecordsThenQuiet(
                    Topics.ACCESS_REQUESTED.name(), key, found -> !found.isEmpty(), WAIT, Duration.ofSeconds(3));
            assertThat(redriven).singleElement().satisfies(record -> {
                assertThat(record.value()).isEqualTo(parked.get(key));
                assertThat(header(record, DeadLetterRedrive.FROM_HEADER))
                        .startsWith(Topics.ACCESS_REQUESTED.deadLetterName() + "-" + record.partition() + "@");
                assertThat(header(record, "trace-id")).isEqualTo("t-" + key);
                assertThat(record.headers().lastHeader(DeadLetterRouting.REASON_HEADER)).isNull();
                assertThat(record.headers().lastHeader("kafka_dlt-original-offset")).isNull();
            });
        }
    }

    @Test
    void redrive_whenTopicUnknown_answers404Problem() throws Exception {
        HttpResponse<String> response = post("/v1/dead-letters/lapse.access.requested.dlt/redrive", "", admin);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"title\":\"Unknown topic\"");
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
