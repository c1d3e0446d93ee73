package dev.lapse.request.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ApprovalPending;
import dev.lapse.event.ApprovalTier;
import dev.lapse.event.ExpiryReason;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.request.notify.WebhookSignature;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.GrantIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.testing.TestStack;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The webhook notifier on a real broker and registry, with real HTTP receivers: lifecycle events published to
 * their topics as any producer would write them become signed notifications, each type once per event, in order
 * per request; a receiver that refuses the first attempts still gets each one; a restart of the notifier neither
 * repeats what was delivered nor loses an "expires soon" notice still owed.
 */
class WebhooksIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** After the expected notifications, how long nothing more may arrive: a late duplicate is the bug. */
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final String SECRET = "whsec_webhooks_it_0123456789abcdef";
    private static final TestStack stack = TestStack.get();
    private static final ObjectMapper json = new ObjectMapper();
    private static final Receiver steady = new Receiver(attempt -> 204);
    /** Answers 503, then 429, and takes the third attempt of each notification. */
    private static final Receiver flaky = new Receiver(attempt -> attempt == 1 ? 503 : attempt == 2 ? 429 : 200);
    /** Answers 410 Gone: never worth another attempt. */
    private static final Receiver gone = new Receiver(attempt -> 410);
    private static final Receiver restarts = new Receiver(attempt -> 204);
    private static HttpServer server;
    @TempDir
    static Path dir;

    @BeforeAll
    static void startReceivers() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/steady", exchange -> steady.handle(exchange));
        server.createContext("/flaky", exchange -> flaky.handle(exchange));
        server.createContext("/gone", exchange -> gone.handle(exchange));
        server.createContext("/restarts", exchange -> restarts.handle(exchange));
        server.start();
        Files.writeString(dir.resolve("secret"), SECRET + "\n");
    }

    @AfterAll
    static void stopReceivers() {
        server.stop(0);
    }

    @Test
    void lifecycle_notifiesEveryTypeOncePerEventInOrderSigned_andRetriesAReceiverThatFails() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String r1 = "wh-" + run + "-granted";
        String r2 = "wh-" + run + "-denied";
        String r3 = "wh-" + run + "-revoked";
        ConfigurableApplicationContext app = start("webhooks-it-" + run,
                "--lapse.notify.webhooks[0].name=steady", "--lapse.notify.webhooks[0].url=" + url("/steady"),
                "--lapse.notify.webhooks[0].secret-file=" + dir.resolve("secret"),
                "--lapse.notify.webhooks[1].name=flaky", "--lapse.notify.webhooks[1].url=" + url("/flaky"),
                "--lapse.notify.webhooks[1].secret-file=" + dir.resolve("secret"),
                "--lapse.notify.webhooks[2].name=gone", "--lapse.notify.webhooks[2].url=" + url("/gone"),
                "--lapse.notify.webhooks[2].secret-file=" + dir.resolve("secret"),
                "--lapse.notify.webhooks[2].events=request.denied",
                "--lapse.notify.expiring-lead=PT3S");
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            stack.send(Topics.ACCESS_REQUESTED, r1, requested(r1, now));
            stack.send(Topics.APPROVAL_PENDING, r1, pending(r1, now));
            stack.send(Topics.ACCESS_APPROVED, r1, approved(r1, now));
            Instant r1Expiry = now.plusSeconds(8);
            stack.send(Topics.ACCESS_GRANTED, r1, granted(r1, now, r1Expiry));
            stack.send(Topics.ACCESS_REQUESTED, r2, requested(r2, now));
            stack.send(Topics.ACCESS_DENIED, r2, denied(r2, now));
            Instant r3Expiry = now.plusSeconds(60);
            stack.send(Topics.ACCESS_GRANTED, r3, granted(r3, now, r3Expiry));
            stack.send(Topics.ACCESS_EXPIRED, r3, expired(r3, now, r3Expiry, ExpiryReason.REVOKED));
            // r1's notice falls due 3 s before its expiry; its end is announced only after both have the notice.
            await().atMost(WAIT).until(() -> steady.accepted(r1).contains("grant.expiring")
                    && flaky.accepted(r1).contains("grant.expiring"));
            stack.send(Topics.ACCESS_EXPIRED, r1, expired(r1, r1Expiry, r1Expiry, ExpiryReason.TIME_ELAPSED));

            List<String> r1Types = List.of("request.pending", "request.approved", "grant.granted", "grant.expiring",
                    "grant.expired");
            await().atMost(WAIT).until(() -> steady.accepted(r1).size() == 5 && flaky.accepted(r1).size() == 5
                    && steady.accepted(r3).size() == 2 && flaky.accepted(r3).size() == 2);
            steady.awaitQuiet();
            flaky.awaitQuiet();
            gone.awaitQuiet();

            for (Receiver receiver : List.of(steady, flaky)) {
                assertThat(receiver.accepted(r1)).containsExactlyElementsOf(r1Types);
                assertThat(receiver.accepted(r2)).containsExactly("request.denied");
                assertThat(receiver.accepted(r3)).as("revoked before its notice was due")
                        .containsExactly("grant.granted", "grant.expired");
                assertThat(receiver.received(r1, r2, r3)).allSatisfy(WebhooksIT::assertSignedAndConsistent);
            }
            assertThat(steady.received(r1, r2, r3)).as("the steady receiver: each notification once, attempt 1")
                    .hasSize(8).allSatisfy(request -> assertThat(request.attempt()).isEqualTo("1"));
            Map<String, List<String>> attemptsById = flaky.received(r1, r2, r3).stream().collect(
                    Collectors.groupingBy(Delivery::id, Collectors.mapping(Delivery::attempt, Collectors.toList())));
            assertThat(attemptsById).hasSize(8).allSatisfy((id, attempts) -> assertThat(attempts)
                    .as("refused twice, then taken").containsExactly("1", "2", "3"));
            assertThat(flaky.ids()).containsExactlyInAnyOrderElementsOf(steady.ids());

            JsonNode pending = steady.body(r1, "request.pending");
            assertThat(pending.get("requester").get("id").asText()).isEqualTo("alice@example.com");
            assertThat(pending.get("resource").get("name").asText()).isEqualTo("crm.public.customers");
            assertThat(pending.get("tiers").toString()).isEqualTo(
                    "[{\"required\":1,\"groups\":[\"support\"]},{\"required\":1,\"groups\":[\"data-owners\"]}]");
            JsonNode expiring = steady.body(r1, "grant.expiring");
            assertThat(expiring.get("grantId").asText()).isEqualTo(GrantIds.of(r1));
            assertThat(Instant.parse(expiring.get("expiresAt").asText())).isEqualTo(r1Expiry);
            assertThat(Instant.parse(expiring.get("occurredAt").asText())).isEqualTo(r1Expiry.minusSeconds(3));
            assertThat(steady.body(r2, "request.denied").get("reason").asText()).isEqualTo("no rule allows DELETE");
            assertThat(steady.body(r3, "grant.expired").get("reason").asText()).isEqualTo("REVOKED");

            MeterRegistry meters = app.getBean(MeterRegistry.class);
            assertThat(meters.get(WebhookFeed.DELIVERIES).tags("outcome", "delivered", "webhook", "flaky").counter()
                    .count()).isEqualTo(8);
            assertThat(gone.received(r1, r2, r3)).as("only the type it wants, refused once and given up")
                    .singleElement().satisfies(delivery -> {
                        assertThat(delivery.type()).isEqualTo("request.denied");
                        assertThat(delivery.attempt()).isEqualTo("1");
                    });
            assertThat(meters.get(WebhookFeed.DELIVERIES).tags("outcome", "given_up", "webhook", "gone").counter()
                    .count()).isEqualTo(1);
        } finally {
            app.close();
        }
    }

    @Test
    void restart_losesNoDueExpiringNotice_andRepeatsNothingDelivered() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String r4 = "wh-" + run + "-restart";
        String group = "webhooks-it-restart-" + run;
        String[] args = {"--lapse.notify.webhooks[0].name=restarts", "--lapse.notify.webhooks[0].url="
                + url("/restarts"), "--lapse.notify.webhooks[0].secret-file=" + dir.resolve("secret"),
            "--lapse.notify.expiring-lead=PT26S"};
        ConfigurableApplicationContext first = start(group, args);
        Instant expiresAt;
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            expiresAt = now.plusSeconds(30);
            stack.send(Topics.ACCESS_GRANTED, r4, granted(r4, now, expiresAt));
            MeterRegistry meters = first.getBean(MeterRegistry.class);
            // Delivered means answered and finished in the notifier, not only received: then the commit says so.
            await().atMost(WAIT).until(() -> meters.find(WebhookFeed.DELIVERIES).tags("outcome", "delivered")
                    .counters().stream().mapToDouble(c -> c.count()).sum() == 1);
            assertThat(restarts.accepted(r4)).containsExactly("grant.granted");
        } finally {
            first.close();
        }

        ConfigurableApplicationContext second = start(group, args);
        try {
            await().atMost(WAIT).until(() -> restarts.accepted(r4).contains("grant.expiring"));
            restarts.awaitQuiet();

            assertThat(restarts.accepted(r4)).containsExactly("grant.granted", "grant.expiring");
            assertThat(restarts.received(r4)).hasSize(2).allSatisfy(WebhooksIT::assertSignedAndConsistent);
            assertThat(Instant.parse(restarts.body(r4, "grant.expiring").get("expiresAt").asText()))
                    .isEqualTo(expiresAt);
        } finally {
            second.close();
        }
    }

    private static ConfigurableApplicationContext start(String group, String... webhookArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--lapse.instance-id=webhooks-it",
                "--lapse.notify.group-id=" + group,
                "--lapse.notify.delivery.initial-backoff=PT0.05S",
                "--lapse.notify.delivery.max-backoff=PT0.2S",
                "--lapse.notify.order-wait=PT0.5S"));
        args.addAll(List.of(webhookArgs));
        ConfigurableApplicationContext app = RequestServiceApplication.builder()
                .run(stack.springArgs(args.toArray(String[]::new)));
        WebhookFeed feed = app.getBean(WebhookFeed.class);
        // A new group starts at the end of the topics: publish only once it has its partitions.
        await().atMost(WAIT).until(feed::ready);
        return app;
    }

    private static void assertSignedAndConsistent(Delivery delivery) throws Exception {
        WebhookSignature signature = new WebhookSignature(SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(signature.verify(delivery.signature(), delivery.body(), Instant.now().getEpochSecond(),
                Duration.ofMinutes(5))).isEqualTo(WebhookSignature.Verification.VALID);
        assertThat(delivery.contentType()).isEqualTo("application/json");
        JsonNode body = json.readTree(delivery.body());
        assertThat(body.get("id").asText()).isEqualTo(delivery.id());
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    // --- events, as the services that own their topics write them ---

    private static Actor service(String name) {
        return new Actor(ActorKind.SERVICE, name);
    }

    private static AccessRequested requested(String requestId, Instant at) {
        AccessRequested requested = Events.accessRequested(requestId);
        requested.setEventId(UUID.randomUUID().toString());
        requested.setOccurredAt(at);
        return requested;
    }

    private static ApprovalPending pending(String requestId, Instant at) {
        return ApprovalPending.newBuilder().setEventId(UUID.randomUUID().toString()).setRequestId(requestId)
                .setOccurredAt(at).setCausedBy(service("policy-engine")).setRequiredApprovals(2)
                .setApproverGroups(List.of("support", "data-owners")).setDecideBy(at.plusSeconds(3600))
                .setPolicy("two-approvers")
                .setTiers(List.of(new ApprovalTier(1, List.of("support")), new ApprovalTier(1, List.of("data-owners"))))
                .build();
    }

    private static AccessApproved approved(String requestId, Instant at) {
        AccessRequested request = Events.accessRequested(requestId);
        return AccessApproved.newBuilder().setEventId(UUID.randomUUID().toString()).setRequestId(requestId)
                .setOccurredAt(at).setCausedBy(service("policy-engine")).setRequester(request.getRequester())
                .setResource(request.getResource()).setScope(request.getScope()).setApprovedDurationMs(8_000)
                .setPolicy("two-approvers").setApprovers(List.of("bob@example.com", "carol@example.com")).build();
    }

    private static AccessDenied denied(String requestId, Instant at) {
        return AccessDenied.newBuilder().setEventId(UUID.randomUUID().toString()).setRequestId(requestId)
                .setOccurredAt(at).setCausedBy(service("policy-engine")).setRequesterId("alice@example.com")
                .setReason("no rule allows DELETE").setPolicy("default-deny").build();
    }

    private static AccessGranted granted(String requestId, Instant at, Instant expiresAt) {
        AccessRequested request = Events.accessRequested(requestId);
        return AccessGranted.newBuilder().setEventId(UUID.randomUUID().toString()).setRequestId(requestId)
                .setOccurredAt(at).setCausedBy(service("grant-issuer")).setGrantId(GrantIds.of(requestId))
                .setRequester(request.getRequester()).setResource(request.getResource()).setScope(request.getScope())
                .setGrantedAt(at).setExpiresAt(expiresAt).build();
    }

    private static AccessExpired expired(String requestId, Instant at, Instant expiresAt, ExpiryReason reason) {
        return AccessExpired.newBuilder().setEventId(UUID.randomUUID().toString()).setRequestId(requestId)
                .setOccurredAt(at).setCausedBy(service("revoker")).setGrantId(GrantIds.of(requestId))
                .setRequesterId("alice@example.com").setReason(reason).setExpiresAt(expiresAt)
                .setLateByMs(at.toEpochMilli() - expiresAt.toEpochMilli()).build();
    }

    // --- receivers ---

    /** One request a receiver got, as it arrived, with what it answered. */
    record Delivery(String id, String attempt, String signature, String contentType, byte[] body, int status,
            String type, String requestId) {
    }

    /** An HTTP receiver that records every request and answers each attempt of an id with the status it is told. */
    static final class Receiver {

        private final IntUnaryOperator statusOfAttempt;
        private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        private final Map<String, AtomicInteger> attemptsById = new ConcurrentHashMap<>();
        private final AtomicLong lastNanos = new AtomicLong(System.nanoTime());

        Receiver(IntUnaryOperator statusOfAttempt) {
            this.statusOfAttempt = statusOfAttempt;
        }

        void handle(HttpExchange exchange) throws IOException {
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode parsed = json.readTree(body);
            String id = exchange.getRequestHeaders().getFirst(WebhookSender.ID_HEADER);
            int attempt = attemptsById.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
            int status = statusOfAttempt.applyAsInt(attempt);
            deliveries.add(new Delivery(id, exchange.getRequestHeaders().getFirst(WebhookSender.ATTEMPT_HEADER),
                    exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body, status,
                    parsed.get("type").asText(), parsed.get("requestId").asText()));
            lastNanos.set(System.nanoTime());
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        }

        /** The types of the notifications of {@code requestId} it accepted, in the order they arrived. */
        List<String> accepted(String requestId) {
            return deliveries.stream().filter(d -> d.requestId().equals(requestId) && d.status() < 300)
                    .map(Delivery::type).toList();
        }

        List<Delivery> received(String... requestIds) {
            List<String> ids = List.of(requestIds);
            return deliveries.stream().filter(d -> ids.contains(d.requestId())).toList();
        }

        List<String> ids() {
            return deliveries.stream().filter(d -> d.status() < 300).map(Delivery::id).toList();
        }

        JsonNode body(String requestId, String type) throws IOException {
            Map<String, byte[]> bodies = new HashMap<>();
            deliveries.stream().filter(d -> d.requestId().equals(requestId) && d.type().equals(type))
                    .forEach(d -> bodies.put(d.id(), d.body()));
            assertThat(bodies).as(type + " of " + requestId).hasSize(1);
            return json.readTree(bodies.values().iterator().next());
        }

        /** Waits until nothing has arrived for {@link #QUIET}. */
        void awaitQuiet() {
            await().atMost(WAIT).until(() -> System.nanoTime() - lastNanos.get() >= QUIET.toNanos());
        }
    }
}
