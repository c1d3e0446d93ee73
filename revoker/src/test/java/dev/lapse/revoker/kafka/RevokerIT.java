package dev.lapse.revoker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ExpiryReason;
import dev.lapse.event.RevocationRequested;
import dev.lapse.revoker.RevokerApplication;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.testing.TestStack;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The revoker on a real broker and registry: grants in, expiries out on time, exactly once — also across a
 * restart, and when one of two instances stops and the other takes its partitions over.
 */
class RevokerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final TestStack stack = TestStack.get();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private ConfigurableApplicationContext first;
    private ConfigurableApplicationContext second;

    /** A revoker that owns its partitions and has read their state back: ready to watch grants. */
    private static ConfigurableApplicationContext revoker(String instanceId) {
        ConfigurableApplicationContext app =
                RevokerApplication.builder().run(stack.springArgs("--lapse.instance-id=" + instanceId));
        await().atMost(WAIT).until(() -> restoredAt(app) > 0);
        return app;
    }

    private static double restoredAt(ConfigurableApplicationContext app) {
        return app.getBean(MeterRegistry.class).get("lapse.revoker.restore.completed.epoch.ms").gauge().value();
    }

    @AfterEach
    void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    /** A grant as the grant issuer publishes it; {@code expiresAt} to the millisecond, as Avro keeps it. */
    static AccessGranted granted(String requestId, Instant expiresAt) {
        AccessRequested request = Events.accessRequested(requestId);
        return AccessGranted.newBuilder().setEventId("e-" + requestId).setRequestId(requestId)
                .setGrantId("g-" + requestId).setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SERVICE, "grant-issuer"))
                .setRequester(request.getRequester()).setResource(request.getResource()).setScope(request.getScope())
                .setGrantedAt(Instant.now()).setExpiresAt(expiresAt.truncatedTo(ChronoUnit.MILLIS)).build();
    }

    private static RevocationRequested revocation(String requestId) {
        return RevocationRequested.newBuilder().setEventId("rr-" + requestId).setRequestId(requestId)
                .setGrantId("g-" + requestId).setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.USER, "bob")).setReason("done early").build();
    }

    /** Waits for {@code count} expiries of this run's keys, then a quiet period, and returns the whole list. */
    private List<AccessExpired> expiries(Predicate<String> keys, int count) {
        return stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_EXPIRED.name()), keys,
                found -> found.size() >= count, WAIT, QUIET).stream()
                .map(ConsumerRecord::value).map(AccessExpired.class::cast).toList();
    }

    private static double owned(ConfigurableApplicationContext app) {
        return app.getBean(MeterRegistry.class).get("lapse.revoker.partitions.owned").gauge().value();
    }

    private static double activeGrants(ConfigurableApplicationContext app) {
        return app.getBean(MeterRegistry.class).get("lapse.revoker.active.grants").gauge().value();
    }

    @Test
    void grant_expiresAtItsTime_notBefore_once() throws Exception {
        first = revoker("rv-" + run);
        String id = run + "-time";
        Instant expiresAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        stack.send(Topics.ACCESS_GRANTED, id, granted(id, expiresAt));

        assertThat(expiries(id::equals, 1)).singleElement().satisfies(expired -> {
            assertThat(expired.getReason()).isEqualTo(ExpiryReason.TIME_ELAPSED);
            assertThat(expired.getExpiresAt()).isEqualTo(expiresAt);
            assertThat(expired.getOccurredAt()).isAfterOrEqualTo(expiresAt);
            assertThat(expired.getLateByMs()).isEqualTo(
                    expired.getOccurredAt().toEpochMilli() - expiresAt.toEpochMilli()).isNotNegative();
        });
        // The lag is recorded once the expiry is committed, and shows on the scrape endpoint as a histogram.
        MeterRegistry meters = first.getBean(MeterRegistry.class);
        await().atMost(WAIT).until(() -> meters.get("lapse.revoker.expiry.lag").timer().count() == 1);
        assertThat(prometheus(first)).contains("lapse_revoker_expiry_lag_seconds_bucket{",
                "lapse_revoker_expiry_lag_seconds_count", "lapse_revoker_active_grants",
                "lapse_revoker_restore_seconds_count", "lapse_revoker_restore_records_total",
                "lapse_revoker_commit_failures_total{outcome=\"landed\"}",
                "lapse_revoker_commit_failures_total{outcome=\"lost\"}");
    }

    private static String prometheus(ConfigurableApplicationContext app) throws Exception {
        String port = app.getEnvironment().getProperty("local.server.port");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void revocation_endsTheGrantAtOnce_andItNeverExpiresAgain() {
        first = revoker("rv-" + run);
        String id = run + "-revoke";
        stack.send(Topics.ACCESS_GRANTED, id, granted(id, Instant.now().plusSeconds(4)));
        stack.send(Topics.REVOCATION_REQUESTED, id, revocation(id));

        List<AccessExpired> expiries = expiries(id::equals, 1);
        // Past the grant's own expiry too, so a second, time-elapsed expiry would show.
        Instant pastExpiry = Instant.now().plusSeconds(5);
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(pastExpiry));
        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_EXPIRED.name()), id, found -> true, WAIT, QUIET))
                .hasSize(1);
        assertThat(expiries).singleElement().satisfies(expired -> {
            assertThat(expired.getReason()).isEqualTo(ExpiryReason.REVOKED);
            assertThat(expired.getLateByMs()).isNegative();
        });
    }

    @Test
    void revocationBeforeItsGrant_endsTheGrantTheMomentItArrives() {
        first = revoker("rv-" + run);
        String id = run + "-early";
        stack.send(Topics.REVOCATION_REQUESTED, id, revocation(id));
        stack.send(Topics.ACCESS_GRANTED, id, granted(id, Instant.now().plusSeconds(3600)));

        assertThat(expiries(id::equals, 1)).singleElement()
                .satisfies(expired -> assertThat(expired.getReason()).isEqualTo(ExpiryReason.REVOKED));
    }

    @Test
    void secondGrantForTheSameRequest_neverChangesItsExpiry() {
        first = revoker("rv-" + run);
        String id = run + "-replay";
        Instant expiresAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        stack.send(Topics.ACCESS_GRANTED, id, granted(id, expiresAt));
        stack.send(Topics.ACCESS_GRANTED, id, granted(id, Instant.now().plusSeconds(3600)));

        assertThat(expiries(id::equals, 1)).singleElement()
                .satisfies(expired -> assertThat(expired.getExpiresAt()).isEqualTo(expiresAt));
    }

    @Test
    void restart_expiresTheGrantsDueWhileItWasDown_atOnce_once() {
        first = revoker("rv-" + run);
        String prefix = run + "-restart-";
        Instant expiresAt = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
        IntStream.range(0, 8).forEach(i -> stack.send(Topics.ACCESS_GRANTED, prefix + i, granted(prefix + i, expiresAt)));
        ConfigurableApplicationContext running = first;
        await().atMost(WAIT).until(() -> activeGrants(running) >= 8);

        first.close();
        first = null;
        Instant downUntil = expiresAt.plusSeconds(2);
        await().atMost(Duration.ofSeconds(15)).until(() -> Instant.now().isAfter(downUntil));
        first = revoker("rv-" + run);

        List<AccessExpired> expiries = expiries(key -> key.startsWith(prefix), 8);
        assertThat(expiries).extracting(AccessExpired::getRequestId)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 8).mapToObj(i -> prefix + i).toList());
        assertThat(expiries).allSatisfy(expired -> {
            assertThat(expired.getReason()).isEqualTo(ExpiryReason.TIME_ELAPSED);
            assertThat(expired.getLateByMs()).isGreaterThanOrEqualTo(2_000);
        });
    }

    @Test
    void twoInstances_shareTheGrants_andOneTakesOverWhenTheOtherStops() {
        first = revoker("rv-a-" + run);
        second = revoker("rv-b-" + run);
        String prefix = run + "-pair-";
        List<String> ids = IntStream.range(0, 24).mapToObj(i -> prefix + i).toList();
        ConfigurableApplicationContext a = first;
        ConfigurableApplicationContext b = second;
        // Both instances own partitions, and have read them back, before the grants arrive.
        await().atMost(WAIT).until(() -> owned(a) > 0 && owned(b) > 0 && owned(a) + owned(b) == Topics.PARTITIONS);
        Instant expiresAt = Instant.now().plusSeconds(6).truncatedTo(ChronoUnit.MILLIS);
        ids.forEach(id -> stack.send(Topics.ACCESS_GRANTED, id, granted(id, expiresAt)));
        await().atMost(WAIT).until(() -> activeGrants(a) + activeGrants(b) == ids.size());
        assertThat(activeGrants(a)).isPositive();
        assertThat(activeGrants(b)).isPositive();

        first.close();
        first = null;

        List<AccessExpired> expiries = expiries(key -> key.startsWith(prefix), ids.size());
        Map<String, Long> perRequest = expiries.stream()
                .collect(Collectors.groupingBy(AccessExpired::getRequestId, Collectors.counting()));
        assertThat(perRequest).containsOnlyKeys(ids).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
        assertThat(expiries).allSatisfy(expired ->
                assertThat(expired.getOccurredAt()).isAfterOrEqualTo(expired.getExpiresAt()));
        assertThat(expiries.stream().map(AccessExpired::getExpiresAt).distinct()).containsExactly(expiresAt);
        assertThat(expiries).extracting(AccessExpired::getRequestId).doesNotHaveDuplicates();
        assertThat(expiries.stream().collect(Collectors.toMap(AccessExpired::getRequestId, Function.identity())))
                .hasSize(ids.size());
    }
}
