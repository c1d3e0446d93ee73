package dev.lapse.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lapse.embedded.SchemaRegistryProcess;
import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRequested;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.request.identity.Caller;
import dev.lapse.request.identity.EmbeddedIssuer;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.serde.AvroSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole flow, end to end, on the standalone stack: a real broker, a real registry and every service in one
 * JVM. A REST request (with the token file the embedded issuer wrote for alice) and an ingress request (from the
 * trusted demo system helpdesk) each run requested → approved → granted → expired → withdrawn; a
 * poison ingress record is parked while the others go on; each expiry comes within a bounded delay of its time;
 * and the audit log holds every event and verifies.
 */
class LapseFlowIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** How late an expiry may be announced: the wheel ticks every 10 ms, a transaction takes a few more. */
    private static final long MAX_EXPIRY_DELAY_MS = 2_000;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static LapseStandalone lapse;

    @BeforeAll
    static void start() throws Exception {
        lapse = LapseStandalone.start(new LapseStandalone.Options(Files.createTempDirectory("lapse-e2e-"), 0, 0,
                Map.of()), SchemaRegistryProcess.homeFromEnvironment().orElseThrow());
    }

    @AfterAll
    static void stop() {
        if (lapse != null) {
            // Services stop before the broker they use, the broker before the registry its clients look schemas up in.
            assertThat(lapse.stopOrder().names()).containsExactly("audit-sink", "revoker", "grant-issuer",
                    "policy-engine", "request-service", LapseStandalone.KAFKA, LapseStandalone.REGISTRY);
            lapse.close();
        }
    }

    @Test
    void restRequest_ingressRequest_andPoison_runTheirWholeLives() throws Exception {
        String api = lapse.url(RequestServiceApplication.NAME);
        // The README's way to call: the token file the embedded issuer wrote for the demo user alice.
        String alice = Files.readString(EmbeddedIssuer.tokenFile(lapse.identityDirectory(), "alice")).trim();
        String admin = Files.readString(EmbeddedIssuer.tokenFile(lapse.identityDirectory(), "admin")).trim();
        String bob = EmbeddedIssuer.load(lapse.identityDirectory()).mint(Caller.of("bob", Set.of()),
                Duration.ofMinutes(10));

        // given: without a token, nothing is accepted
        assertThat(http.send(HttpRequest.newBuilder(URI.create(api + "/v1/requests"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

        // and: a REST request of alice's for 3 seconds
        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/requests"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + alice)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"requestId": "e2e-rest",
                         "resource": {"kind": "postgres", "name": "crm.public.customers"},
                         "scope": {"actions": ["SELECT"], "columns": ["id", "email"]},
                         "reason": "INC-1234: customer cannot log in", "duration": "PT3S"}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).isEqualTo(202);

        // and: an ingress request from another system, and a poison record before it on the same key
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of("schema.registry.url", lapse.registryUrl()), false);
        AccessRequested fromHelpdesk = Events.accessRequested("e2e-ingress");
        fromHelpdesk.setRequestedDurationMs(3_000L);
        fromHelpdesk.setOccurredAt(java.time.Instant.now());
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers",
                lapse.bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
             KafkaProducer<String, Object> avro = new KafkaProducer<>(Map.of("bootstrap.servers",
                     lapse.bootstrapServers()), new StringSerializer(), serializer)) {
            raw.send(new ProducerRecord<>(Topics.ACCESS_SUBMITTED.name(), "e2e-ingress",
                    "garbage".getBytes(StandardCharsets.UTF_8))).get();
            avro.send(new ProducerRecord<>(Topics.ACCESS_SUBMITTED.name(), "e2e-ingress", fromHelpdesk)).get();
        }

        // then: both timelines reach the end of their lives (alice reads hers; the helpdesk's, an admin)
        for (String requestId : List.of("e2e-rest", "e2e-ingress")) {
            String reader = requestId.equals("e2e-rest") ? alice : admin;
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                HttpResponse<String> timeline = http.send(HttpRequest.newBuilder(
                        URI.create(api + "/v1/requests/" + requestId)).header("Authorization", "Bearer " + reader)
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(timeline.body()).contains("\"status\":\"WITHDRAWN\"");
            });
        }

        // and: the lifecycle is the expected one for each request
        for (String requestId : List.of("e2e-rest", "e2e-ingress")) {
            List<ConsumerRecord<String, Object>> events = read(requestId);
            assertThat(events).extracting(record -> record.value().getClass().getSimpleName()).containsExactly(
                    "AccessRequested", "AccessApproved", "AccessGranted", "AccessExpired", "AccessWithdrawn");
            AccessGranted granted = (AccessGranted) events.get(2).value();
            AccessExpired expired = (AccessExpired) events.get(3).value();
            long lateMs = expired.getOccurredAt().toEpochMilli() - granted.getExpiresAt().toEpochMilli();
            assertThat(lateMs).as("expiry of %s announced %d ms after its time", requestId, lateMs)
                    .isBetween(0L, MAX_EXPIRY_DELAY_MS);
            long submittedToGrantedMs = granted.getGrantedAt().toEpochMilli()
                    - ((AccessRequested) events.get(0).value()).getOccurredAt().toEpochMilli();
            System.out.printf("e2e %s: submitted → granted %d ms, expiry announced %d ms after expiresAt%n",
                    requestId, submittedToGrantedMs, lateMs);
        }

        // and: the audit log holds every event of both requests, and verifies from disk
        String audit = lapse.url(dev.lapse.audit.AuditSinkApplication.NAME);
        for (String requestId : List.of("e2e-rest", "e2e-ingress")) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(
                    URI.create(audit + "/v1/audit/requests/" + requestId)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body())
                    .contains("\"eventType\":\"AccessRequested\"", "\"eventType\":\"AccessApproved\"",
                            "\"eventType\":\"AccessGranted\"", "\"eventType\":\"AccessExpired\"",
                            "\"eventType\":\"AccessWithdrawn\""));
        }
        String verified = http.send(HttpRequest.newBuilder(URI.create(audit + "/v1/audit/verify")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(verified).startsWith("{\"valid\":true").doesNotContain("\"reason\"");

        // and: with every consumer warm, a request crosses the three transactional hops quickly; the figure is
        // printed for the record, not asserted (speed is measured in benchmarks, not in tests)
        for (int i = 0; i < 5; i++) {
            String warm = "e2e-warm-" + i;
            http.send(HttpRequest.newBuilder(URI.create(api + "/v1/requests")).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + bob)
                    .POST(HttpRequest.BodyPublishers.ofString(("{\"requestId\": \"%s\", \"requester\": {\"id\": \"bob\"},"
                            + " \"resource\": {\"kind\": \"postgres\", \"name\": \"crm.public.customers\"},"
                            + " \"scope\": {\"actions\": [\"SELECT\"], \"columns\": [\"email\"]},"
                            + " \"reason\": \"warm-up\", \"duration\": \"PT1H\"}").formatted(warm))).build(),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> assertThat(http.send(
                    HttpRequest.newBuilder(URI.create(api + "/v1/requests/" + warm))
                            .header("Authorization", "Bearer " + bob).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body()).contains("\"status\":\"GRANTED\""));
            String timeline = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/requests/" + warm))
                    .header("Authorization", "Bearer " + bob).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            System.out.printf("e2e %s: %s%n", warm,
                    timeline.replaceAll(".*(\"submittedToGrantedMs\":[0-9]+).*", "$1"));
        }

        // and: what a user watches on /actuator/prometheus is there: submitted -> granted latency, records per
        // transaction on every consume-transform-produce service, the revoker's active grants and expiry lag
        assertThat(prometheus(RequestServiceApplication.NAME)).contains("lapse_request_submitted_to_granted_seconds_count",
                "lapse_kafka_transaction_records_count{listener=\"request-ingress\"");
        assertThat(prometheus(dev.lapse.policy.PolicyEngineApplication.NAME))
                .contains("lapse_kafka_transaction_records_count{listener=\"policy-requests\"");
        assertThat(prometheus(dev.lapse.grant.GrantIssuerApplication.NAME))
                .contains("lapse_kafka_transaction_records_count{listener=\"grant-approvals\"");
        assertThat(prometheus(dev.lapse.revoker.RevokerApplication.NAME)).contains("lapse_revoker_active_grants",
                "lapse_revoker_expiry_lag_seconds_count", "lapse_kafka_transaction_records_count{listener=\"revoker\"");

        // and: the poison record is parked with its reason
        try (KafkaConsumer<String, byte[]> dlt = new KafkaConsumer<>(Map.of("bootstrap.servers",
                lapse.bootstrapServers(), "isolation.level", "read_committed"), new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            dlt.partitionsFor(Topics.ACCESS_SUBMITTED.deadLetterName())
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            dlt.assign(partitions);
            dlt.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> parked = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                dlt.poll(Duration.ofMillis(200)).forEach(parked::add);
                return !parked.isEmpty();
            });
            assertThat(parked).singleElement().satisfies(record -> {
                assertThat(record.value()).isEqualTo("garbage".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(record.headers().lastHeader("lapse.dlt.reason").value(), StandardCharsets.UTF_8))
                        .contains("unknown magic byte");
            });
        }
    }

    private static String prometheus(String service) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(lapse.url(service) + "/actuator/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Every lifecycle event of a request, in the order of its one partition. */
    private static List<ConsumerRecord<String, Object>> read(String requestId) {
        dev.lapse.schemas.serde.AvroDeserializer deserializer = new dev.lapse.schemas.serde.AvroDeserializer();
        deserializer.configure(Map.of("schema.registry.url", lapse.registryUrl(), "specific.avro.reader", "true"),
                false);
        List<String> topics = List.of(Topics.ACCESS_REQUESTED.name(), Topics.ACCESS_APPROVED.name(),
                Topics.ACCESS_GRANTED.name(), Topics.ACCESS_EXPIRED.name(), Topics.ACCESS_WITHDRAWN.name());
        List<ConsumerRecord<String, Object>> events = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                lapse.bootstrapServers(), "isolation.level", "read_committed"), new StringDeserializer(), deserializer)) {
            List<TopicPartition> partitions = new ArrayList<>();
            topics.forEach(topic -> consumer.partitionsFor(topic)
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (requestId.equals(record.key())) {
                        events.add(record);
                    }
                });
                return events.size() >= 5;
            });
        }
        events.sort(java.util.Comparator.comparing(record -> topics.indexOf(record.topic())));
        return events;
    }

    /**
     * Human approvals end to end over REST: a secret column needs a support peer AND a data-owners member; the
     * requester's own vote and an outsider's are refused; the grant comes only after the second distinct eligible
     * vote, exactly once. Break-glass is granted without approvers and flagged on the grant; a requestable role is
     * decided as one and granted per scope.
     */
    @Test
    void approvalsBreakGlassAndBundles_overRest() throws Exception {
        String api = lapse.url(RequestServiceApplication.NAME);
        String alice = token("alice");
        String bob = token("bob");
        String carol = token("carol");
        // alice on call: the demo database has a login role for alice only, which a grant is provisioned to
        String aliceOnCall = EmbeddedIssuer.load(lapse.identityDirectory()).mint(Caller.of("alice",
                Set.of("support", "oncall")), Duration.ofMinutes(10));
        String mallory = EmbeddedIssuer.load(lapse.identityDirectory()).mint(Caller.of("mallory", Set.of("sales")),
                Duration.ofMinutes(10));
        String id = "e2e-approval";

        assertThat(post(api + "/v1/requests", alice, """
                {"requestId": "%s",
                 "resource": {"kind": "postgres", "name": "crm.public.customers"},
                 "scope": {"actions": ["SELECT"], "columns": ["id", "ssn"]},
                 "reason": "INC-1234: verify identity", "duration": "PT3S"}""".formatted(id)).statusCode())
                .isEqualTo(202);
        awaitStatus(api, id, alice, "PENDING_APPROVAL");
        assertThat(post(api + "/v1/requests/" + id + "/votes", alice, "{\"decision\": \"approve\"}").statusCode())
                .isEqualTo(403);
        assertThat(post(api + "/v1/requests/" + id + "/votes", mallory, "{\"decision\": \"approve\"}")
                .statusCode()).isEqualTo(403);
        assertThat(get(api + "/v1/approvals", carol).body()).contains(id);
        assertThat(post(api + "/v1/requests/" + id + "/votes", bob, "{\"decision\": \"approve\"}").statusCode())
                .isEqualTo(202);
        await().atMost(WAIT).until(() -> get(api + "/v1/requests/" + id, alice).body().contains("bob voted"));
        long decidingAt = System.nanoTime();
        assertThat(post(api + "/v1/requests/" + id + "/votes", carol, "{\"decision\": \"approve\"}").statusCode())
                .isEqualTo(202);
        awaitStatus(api, id, alice, "GRANTED");
        System.out.printf("e2e %s: deciding vote → granted seen %d ms%n", id,
                (System.nanoTime() - decidingAt) / 1_000_000);

        List<ConsumerRecord<String, Object>> events = readSettled(id, List.of(Topics.ACCESS_REQUESTED.name(),
                Topics.APPROVAL_PENDING.name(), Topics.APPROVAL_VOTES.name(), Topics.ACCESS_APPROVED.name(),
                Topics.ACCESS_DENIED.name(), Topics.ACCESS_GRANTED.name()));
        assertThat(events).extracting(record -> record.value().getClass().getSimpleName()).containsExactly(
                "AccessRequested", "ApprovalPending", "ApprovalVoteCast", "ApprovalVoteCast", "AccessApproved",
                "AccessGranted");
        assertThat(((AccessApproved) events.get(4).value()).getApprovers()).containsExactlyInAnyOrder("bob", "carol");

        // break-glass: on call, with an incident ticket, no approvers, flagged
        String glass = "e2e-break-glass";
        assertThat(post(api + "/v1/requests", aliceOnCall, """
                {"requestId": "%s", "breakGlass": true, "ticket": "INC-4711",
                 "resource": {"kind": "postgres", "name": "crm.public.customers"},
                 "scope": {"actions": ["SELECT"], "columns": ["card_number"]},
                 "reason": "payment outage, card lookup", "duration": "PT3S"}""".formatted(glass)).statusCode())
                .isEqualTo(202);
        awaitStatus(api, glass, alice, "GRANTED");
        assertThat(readSettled(glass, List.of(Topics.ACCESS_GRANTED.name()))).singleElement()
                .satisfies(record -> assertThat(((AccessGranted) record.value()).getBreakGlass()).isTrue());

        // a requestable role: decided as one, one grant per scope
        HttpResponse<String> bundle = post(api + "/v1/requests", alice, """
                {"requestId": "e2e-bundle", "bundle": "support-debug", "reason": "INC-1234: order stuck",
                 "duration": "PT3S"}""");
        assertThat(bundle.statusCode()).as(bundle.body()).isEqualTo(202);
        for (String part : List.of("e2e-bundle.part-1", "e2e-bundle.part-2")) {
            awaitStatus(api, part, alice, "GRANTED");
        }

        // and every grant ends, so no role is left in the demo database
        for (String ended : List.of(id, glass, "e2e-bundle.part-1", "e2e-bundle.part-2")) {
            awaitStatus(api, ended, alice, "WITHDRAWN");
        }
    }

    private static String token(String user) throws Exception {
        return Files.readString(EmbeddedIssuer.tokenFile(lapse.identityDirectory(), user)).trim();
    }

    private static HttpResponse<String> post(String url, String token, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitStatus(String api, String requestId, String token, String status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> assertThat(
                get(api + "/v1/requests/" + requestId, token).body()).contains("\"status\":\"" + status + "\""));
    }

    /** Every record of a request on the topics, in the order of the topics, once nothing more came for 3 s. */
    private static List<ConsumerRecord<String, Object>> readSettled(String requestId, List<String> topics) {
        dev.lapse.schemas.serde.AvroDeserializer deserializer = new dev.lapse.schemas.serde.AvroDeserializer();
        deserializer.configure(Map.of("schema.registry.url", lapse.registryUrl(), "specific.avro.reader", "true"),
                false);
        List<ConsumerRecord<String, Object>> events = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                lapse.bootstrapServers(), "isolation.level", "read_committed"), new StringDeserializer(),
                deserializer)) {
            List<TopicPartition> partitions = new ArrayList<>();
            topics.forEach(topic -> consumer.partitionsFor(topic)
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long[] lastNews = {System.nanoTime()};
            await().atMost(WAIT).pollDelay(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (requestId.equals(record.key())) {
                        events.add(record);
                        lastNews[0] = System.nanoTime();
                    }
                });
                return !events.isEmpty() && System.nanoTime() - lastNews[0] > Duration.ofSeconds(3).toNanos();
            });
        }
        events.sort(java.util.Comparator.comparing(record -> topics.indexOf(record.topic())));
        return events;
    }
}
