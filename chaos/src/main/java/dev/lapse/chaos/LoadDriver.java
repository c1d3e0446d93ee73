package dev.lapse.chaos;

import dev.lapse.chaos.report.Channel;
import dev.lapse.chaos.report.Intent;
import dev.lapse.chaos.report.LoadTally;
import dev.lapse.chaos.report.Submission;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.Scope;
import dev.lapse.request.identity.Caller;
import dev.lapse.request.identity.EmbeddedIssuer;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.serde.AvroSerializer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A steady stream of short requests (2–10 s) at a fixed rate, over REST and the ingress topic: most are approvable,
 * some ask for an action no policy allows (DENIED), some break a rule on the ingress (REJECTED), some are revoked
 * early, and some request ids are submitted a second time, the same or wider or longer, over either channel, before
 * or after the first one ended. A REST client retries a submission that met a dead or failing service with the same
 * request id, as a careful client would; a 409 to such a retry means an earlier attempt landed.
 *
 * <p>Every random choice is made on the one ticker thread, from the seeded {@link Random}.
 */
final class LoadDriver implements AutoCloseable {

    /** The load's source system on the ingress topic; the chaos stack trusts it to name requesters. */
    static final String SOURCE_SYSTEM = "chaos-harness";

    private static final Logger log = LoggerFactory.getLogger(LoadDriver.class);
    private static final Duration GIVE_UP = Duration.ofSeconds(60);
    private static final Duration LONGER = Duration.ofMinutes(1);
    private static final double DUPLICATE_SHARE = 0.10;
    private static final double DENY_SHARE = 0.05;
    private static final double REJECT_SHARE = 0.05;
    private static final double REVOKE_SHARE = 0.15;

    private final ServiceProcess requestService;
    private final LifecycleReader reader;
    private final KafkaProducer<String, Object> ingress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Random random;
    private final long periodMicros;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("ticker"));
    private final ExecutorService senders = Executors.newFixedThreadPool(16, daemon("sender"));
    private final Map<String, Submission> firsts = new ConcurrentHashMap<>();
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();
    private final List<String> grantable = new CopyOnWriteArrayList<>();
    private final Map<String, Double> revokeAtFraction = new ConcurrentHashMap<>();
    private final AtomicInteger restDuplicates = new AtomicInteger();
    private final AtomicInteger restConflicts = new AtomicInteger();
    private final AtomicInteger restAccepted = new AtomicInteger();
    private final AtomicInteger ingressDuplicates = new AtomicInteger();
    private final AtomicInteger revocations = new AtomicInteger();
    private int sequence;

    /** What one submission asks for. */
    private record Plan(String requestId, Channel channel, Intent intent, long durationMs, List<String> columns,
            String resource, String requester) {

        String action() {
            return intent == Intent.DENY ? "DELETE" : "SELECT";
        }

        String reason() {
            return intent == Intent.REJECT ? "" : "chaos: steady load";
        }

        Plan with(Channel otherChannel, long otherDurationMs, List<String> otherColumns) {
            return new Plan(requestId, otherChannel, intent, otherDurationMs, otherColumns, resource, requester);
        }
    }

    /**
     * What approvable requests ask for: a table and the requesters to ask as. Requests that end DENIED or REJECTED
     * keep the default's: they never reach a target.
     *
     * @param requesterIds the requesters of approvable requests; empty for the default's fifty made-up ones
     */
    record LoadTarget(String resource, List<String> requesterIds) {

        /** A table no target provisions: a grant is the event alone. */
        static final LoadTarget EVENTS_ONLY = new LoadTarget(DEFAULT_RESOURCE, List.of());

        LoadTarget {
            requesterIds = List.copyOf(requesterIds);
        }

        String requesterOf(String requestId) {
            return requesterIds.isEmpty() ? madeUpRequester(requestId)
                    : requesterIds.get(Math.abs(requestId.hashCode() % requesterIds.size()));
        }
    }

    private static final String DEFAULT_RESOURCE = "crm.public.customers";

    private static String madeUpRequester(String requestId) {
        return "user-" + Math.abs(requestId.hashCode() % 50) + "@example.com";
    }

    private final LoadTarget target;
    private final Path identityDirectory;
    /** Each requester's bearer token, minted on first use with request-service's embedded issuer key. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /**
     * @param identityDirectory where request-service keeps its embedded issuer's key: REST calls are made as the
     *     request's requester, with a token minted from it
     */
    LoadDriver(ServiceProcess requestService, LifecycleReader reader, String bootstrapServers, String registryUrl,
            double ratePerSecond, Random random, LoadTarget target, Path identityDirectory) {
        this.requestService = requestService;
        this.identityDirectory = identityDirectory;
        this.target = target;
        this.reader = reader;
        this.random = random;
        this.periodMicros = Math.round(1_000_000 / ratePerSecond);
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of("schema.registry.url", registryUrl), false);
        this.ingress = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers, "acks", "all",
                "enable.idempotence", "true", "linger.ms", "0", "delivery.timeout.ms", "120000",
                "max.block.ms", "60000"), new StringSerializer(), serializer);
    }

    void start() {
        ticker.scheduleAtFixedRate(this::guarded, 0, periodMicros, TimeUnit.MICROSECONDS);
        ticker.scheduleWithFixedDelay(this::revokeDue, 50, 50, TimeUnit.MILLISECONDS);
    }

    private void guarded() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("A load tick failed: {}", e.toString());
        }
    }

    private void tick() {
        double roll = random.nextDouble();
        if (roll < DUPLICATE_SHARE && duplicate()) {
            return;
        }
        // Every other id a UUID, as REST gives them: the once-only guards hold those packed (ClaimTable) and text
        // otherwise, and the kills must find both forms read back. Derived from the sequence, so no random draw.
        String requestId = ++sequence % 2 == 0
                ? UUID.nameUUIDFromBytes(("chaos-" + sequence).getBytes(StandardCharsets.UTF_8)).toString()
                : "chaos-" + sequence;
        long durationMs = 2_000 + random.nextInt(8_001);
        Plan plan;
        if (roll >= DUPLICATE_SHARE && roll < DUPLICATE_SHARE + DENY_SHARE) {
            plan = new Plan(requestId, random.nextBoolean() ? Channel.REST : Channel.INGRESS, Intent.DENY, durationMs,
                    List.of("id", "email"), DEFAULT_RESOURCE, madeUpRequester(requestId));
        } else if (roll >= DUPLICATE_SHARE && roll < DUPLICATE_SHARE + DENY_SHARE + REJECT_SHARE) {
            plan = new Plan(requestId, Channel.INGRESS, Intent.REJECT, durationMs, List.of("id", "email"),
                    DEFAULT_RESOURCE, madeUpRequester(requestId));
        } else {
            plan = new Plan(requestId, random.nextDouble() < 0.6 ? Channel.REST : Channel.INGRESS, Intent.GRANT,
                    durationMs, List.of("id", "email"), target.resource(), target.requesterOf(requestId));
            if (random.nextDouble() < REVOKE_SHARE) {
                revokeAtFraction.put(requestId, 0.2 + 0.5 * random.nextDouble());
            }
        }
        plans.put(requestId, plan);
        senders.execute(() -> submitFirst(plan));
    }

    /** Submits a known request id again: the same, wider or longer; before or after the first one ended. */
    private boolean duplicate() {
        List<String> known = new ArrayList<>(grantable);
        if (known.isEmpty()) {
            return false;
        }
        boolean afterItEnded = random.nextBoolean();
        List<String> candidates = known.stream().filter(id -> reader.settled(id) == afterItEnded).toList();
        String requestId = (candidates.isEmpty() ? known : candidates).get(random.nextInt(
                (candidates.isEmpty() ? known : candidates).size()));
        Plan first = plans.get(requestId);
        Channel channel = random.nextBoolean() ? Channel.REST : Channel.INGRESS;
        Plan again = switch (random.nextInt(3)) {
            case 0 -> first.with(channel, first.durationMs(), first.columns());
            case 1 -> first.with(channel, first.durationMs(), List.of("id", "email", "ssn"));
            default -> first.with(channel, LONGER.toMillis(), first.columns());
        };
        senders.execute(() -> submitAgain(again));
        return true;
    }

    private void submitFirst(Plan plan) {
        boolean accepted;
        if (plan.channel() == Channel.REST) {
            int status = post("/v1/requests", restBody(plan), plan.requester(), code -> code >= 500);
            accepted = status == 202 || status == 409;
        } else {
            accepted = send(plan);
        }
        firsts.put(plan.requestId(), new Submission(plan.requestId(), plan.channel(), plan.intent(), accepted));
        if (accepted && plan.intent() == Intent.GRANT) {
            grantable.add(plan.requestId());
        }
    }

    private void submitAgain(Plan plan) {
        if (plan.channel() == Channel.REST) {
            restDuplicates.incrementAndGet();
            int status = post("/v1/requests", restBody(plan), plan.requester(), code -> code >= 500);
            if (status == 409) {
                restConflicts.incrementAndGet();
            } else if (status == 202) {
                restAccepted.incrementAndGet();
            }
        } else {
            ingressDuplicates.incrementAndGet();
            send(plan);
        }
    }

    private void revokeDue() {
        long now = System.currentTimeMillis();
        revokeAtFraction.forEach((requestId, fraction) -> reader.grant(requestId).ifPresent(grant -> {
            long at = grant.grantedAtMs() + Math.round(fraction * (grant.expiresAtMs() - grant.grantedAtMs()));
            if (now < at) {
                return;
            }
            revokeAtFraction.remove(requestId);
            if (now < grant.expiresAtMs() - 200) {
                senders.execute(() -> {
                    // 404 while the read model has not seen the grant yet: ask again.
                    // The requester ends its own grant early.
                    int status = post("/v1/grants/" + grant.grantId() + "/revoke", "{\"reason\": \"done early\"}",
                            plans.get(requestId).requester(), code -> code >= 500 || code == 404);
                    if (status == 202) {
                        revocations.incrementAndGet();
                    }
                });
            }
        }));
    }

    /**
     * POSTs as {@code caller} until an answer that {@code retry} does not reject, or {@link #GIVE_UP}; -1 if none
     * came.
     */
    private int post(String path, String json, String caller, IntPredicate retry) {
        Instant deadline = Instant.now().plus(GIVE_UP);
        HttpRequest request = HttpRequest.newBuilder(URI.create(requestService.url() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token(caller))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        while (true) {
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (!retry.test(status)) {
                    return status;
                }
            } catch (IOException down) {
                // request-service is down or did not answer in time: the same request again, as a client would.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            if (Instant.now().isAfter(deadline)) {
                return -1;
            }
            ServiceProcess.pause(Duration.ofMillis(250));
        }
    }

    /** The requester's token, in the group the load's requests name (the service is healthy, so its key exists). */
    private String token(String requester) {
        return tokens.computeIfAbsent(requester, id -> EmbeddedIssuer.load(identityDirectory)
                .mint(Caller.of(id, Set.of("support")), Duration.ofHours(12)));
    }

    private boolean send(Plan plan) {
        AccessRequested event = AccessRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRequestId(plan.requestId())
                .setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SYSTEM, SOURCE_SYSTEM))
                .setRequester(new Requester(plan.requester(), List.of("support")))
                .setResource(new Resource("postgres", plan.resource()))
                .setScope(new Scope(List.of(plan.action()), plan.columns(), null))
                .setReason(plan.reason())
                .setTicket(null)
                .setRequestedDurationMs(plan.durationMs())
                .setSourceSystem(SOURCE_SYSTEM)
                .build();
        try {
            ingress.send(new ProducerRecord<>(Topics.ACCESS_SUBMITTED.name(), plan.requestId(), event))
                    .get(150, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Ingress record {} not acknowledged: {}", plan.requestId(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String restBody(Plan plan) {
        return """
                {"requestId": "%s",
                 "requester": {"id": "%s", "groups": ["support"]},
                 "resource": {"kind": "postgres", "name": "%s"},
                 "scope": {"actions": ["%s"], "columns": [%s]},
                 "reason": "%s", "duration": "PT%d.%03dS"}""".formatted(plan.requestId(), plan.requester(),
                plan.resource(), plan.action(),
                String.join(", ", plan.columns().stream().map(c -> "\"" + c + "\"").toList()), plan.reason(),
                plan.durationMs() / 1000, plan.durationMs() % 1000);
    }

    /** Stops sending anything new and waits for submissions under way to be answered or to give up. */
    void stop() {
        ticker.shutdownNow();
        senders.shutdown();
        try {
            if (!senders.awaitTermination(GIVE_UP.plusSeconds(90).toSeconds(), TimeUnit.SECONDS)) {
                log.warn("Submissions still under way after the load stopped; counting them as not accepted");
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first submission of every request id. */
    List<Submission> submissions() {
        return List.copyOf(firsts.values());
    }

    /** How many first submissions were planned, answered or not. */
    int planned() {
        return plans.size();
    }

    LoadTally tally() {
        return new LoadTally(restDuplicates.get(), restConflicts.get(), restAccepted.get(), ingressDuplicates.get(),
                revocations.get());
    }

    @Override
    public void close() {
        stop();
        ingress.close(Duration.ofSeconds(5));
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "lapse-chaos-" + name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
