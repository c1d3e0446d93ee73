package dev.lapse.request.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.request.identity.Caller;
import dev.lapse.request.identity.EmbeddedIssuer;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.PartitionWaits;
import dev.lapse.schemas.testing.TestStack;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * request-service while the real registry is frozen (SIGSTOP): valid ingress records wait and are all accepted
 * afterwards, none is parked; REST answers 503 problem+json with Retry-After within seconds. The service is fresh,
 * so none of the schemas it needs is in its caches yet: every decode and every first write must reach the registry.
 */
class RegistryOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final TestStack stack = TestStack.get();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ListAppender<ILoggingEvent> logLines = new ListAppender<>();
    private static ConfigurableApplicationContext app;
    private static String baseUrl;
    /** Bearer tokens of the embedded issuer: the requester of these tests' submissions, and an admin. */
    private static String alice;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        Path identity = Files.createTempDirectory("lapse-ro-identity-");
        app = RequestServiceApplication.builder().run(stack.springArgs("--lapse.instance-id=registry-outage-it",
                "--lapse.identity.embedded.directory=" + identity, "--lapse.request.ingress.trusted-systems=helpdesk"));
        baseUrl = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        EmbeddedIssuer issuer = EmbeddedIssuer.load(identity);
        alice = issuer.mint(Caller.of("alice@example.com", Set.of("support")), Duration.ofHours(1));
        admin = issuer.mint(Caller.of("admin", Set.of("lapse-admins")), Duration.ofHours(1));
        logLines.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logLines);
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logLines);
        app.close();
    }

    @Test
    void ingress_duringRegistryOutage_waitsThenAcceptsEveryRecord_andParksNone() {
        List<String> keys = List.of("ro-ingress-1", "ro-ingress-2", "ro-ingress-3");
        // Serialized while the registry answers: a producer whose schema id is cached keeps writing in an outage.
        Map<String, byte[]> written = keys.stream().collect(Collectors.toMap(Function.identity(),
                key -> stack.serialize(Topics.ACCESS_SUBMITTED, Events.accessRequested(key))));
        MeterRegistry meters = app.getBean(MeterRegistry.class);

        stack.pauseRegistry();
        try {
            keys.forEach(key -> stack.sendRaw(Topics.ACCESS_SUBMITTED.name(), key, written.get(key)));
            // Several attempts fail (each one a 3 s registry timeout): the outage lasts ~10 s or more.
            await().atMost(WAIT).until(() -> retries(meters, Topics.ACCESS_SUBMITTED.name()) >= 3);
            assertThat(meters.get(PartitionWaits.WAITING).gauge().value()).isGreaterThanOrEqualTo(1);
        } finally {
            stack.resumeRegistry();
        }

        for (String key : keys) {
            List<ConsumerRecord<String, Object>> accepted = stack.awaitRecordsThenQuiet(
                    List.of(Topics.ACCESS_REQUESTED.name()), key, found -> !found.isEmpty(), WAIT, QUIET);
            assertThat(accepted).singleElement().satisfies(record ->
                    assertThat(((AccessRequested) record.value()).getSourceSystem()).isEqualTo("helpdesk"));
            assertThat(stack.awaitRawRecordsThenQuiet(Topics.ACCESS_SUBMITTED.deadLetterName(), key,
                    found -> true, WAIT, QUIET)).isEmpty();
            assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_REJECTED.name()), key,
                    found -> true, WAIT, QUIET)).isEmpty();
        }
        await().atMost(WAIT).until(() -> meters.get(PartitionWaits.WAITING).gauge().value() == 0);
        // One line when a partition starts waiting and one when it resumes; nothing per attempt.
        List<String> lines = logLines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        List<String> waits = lines.stream().filter(line -> line.startsWith(Topics.ACCESS_SUBMITTED.name())
                && line.contains(" waits: ")).toList();
        List<String> resumed = lines.stream().filter(line -> line.startsWith(Topics.ACCESS_SUBMITTED.name())
                && line.contains(" resumed after ")).toList();
        assertThat(waits).isNotEmpty().allSatisfy(line -> assertThat(line)
                .contains("schema registry at").contains("retrying with backoff up to 10 s"));
        assertThat(resumed).hasSameSizeAs(waits);
        assertThat(lines).noneMatch(line -> line.contains("Transaction rolled back")
                || line.contains("Exception thrown when sending") || line.contains("producer removed from cache"));
    }

    @Test
    void rest_duringRegistryOutage_answers503ProblemWithRetryAfter_withinSeconds() throws Exception {
        String grantId = "ro-grant-1";
        stack.send(Topics.ACCESS_GRANTED, "ro-rest-grant", AccessGranted.newBuilder()
                .setEventId("ro-granted-1").setRequestId("ro-rest-grant").setGrantId(grantId)
                .setOccurredAt(Instant.now()).setCausedBy(new Actor(ActorKind.SERVICE, "grant-issuer"))
                .setRequester(Events.accessRequested("ro-rest-grant").getRequester())
                .setResource(Events.accessRequested("ro-rest-grant").getResource())
                .setScope(Events.accessRequested("ro-rest-grant").getScope())
                .setGrantedAt(Instant.now()).setExpiresAt(Instant.now().plusSeconds(600)).build());
        await().atMost(WAIT).until(() -> get("/v1/requests/ro-rest-grant").statusCode() == 200);
        String submission = """
                {"requestId": "ro-rest-1",
                 "requester": {"id": "alice@example.com", "groups": ["support"]},
                 "resource": {"kind": "postgres", "name": "crm.public.customers"},
                 "scope": {"actions": ["SELECT"], "columns": ["id", "email"]},
                 "reason": "INC-1234: customer locked out", "duration": "PT30S"}""";

        HttpResponse<String> submitted;
        HttpResponse<String> revoked;
        Duration submitTook;
        Duration revokeTook;
        stack.pauseRegistry();
        try {
            long startNanos = System.nanoTime();
            submitted = post("/v1/requests", submission);
            submitTook = Duration.ofNanos(System.nanoTime() - startNanos);
            startNanos = System.nanoTime();
            // The grant's request was never seen here, only its grant: an admin may end it.
            revoked = post("/v1/grants/" + grantId + "/revoke", "{\"reason\": \"done\"}", admin);
            revokeTook = Duration.ofNanos(System.nanoTime() - startNanos);
        } finally {
            stack.resumeRegistry();
        }

        for (HttpResponse<String> response : List.of(submitted, revoked)) {
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).contains("5");
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(response.body()).contains("\"title\":\"Temporarily unavailable\"")
                    .contains("the schema registry did not answer").doesNotContain("Exception").doesNotContain("\tat ");
        }
        // How quickly is bounded by lapse.request.rest-write.* and the registry client's timeouts, and measured here,
        // not asserted: a wall-clock limit in a test only measures how busy the machine is.
        System.out.printf("REST during the registry outage answered 503 in %d ms (submit) and %d ms (revoke)%n",
                submitTook.toMillis(), revokeTook.toMillis());
        // Once the registry is back, the same submission goes through.
        assertThat(post("/v1/requests", submission).statusCode()).isEqualTo(202);
    }

    private static double retries(MeterRegistry meters, String topic) {
        io.micrometer.core.instrument.Counter counter = meters.find(PartitionWaits.RETRIES).tag("topic", topic)
                .counter();
        return counter == null ? 0 : counter.count();
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
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + admin)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
