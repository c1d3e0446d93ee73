package dev.lapse.revoker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The revoker on a real broker and registry: grants in, expiries out on time. */
class RevokerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TestStack stack = TestStack.get();
    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() {
        app = RevokerApplication.builder().run(stack.springArgs());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static AccessGranted granted(String requestId, Instant expiresAt) {
        AccessRequested request = Events.accessRequested(requestId);
        return AccessGranted.newBuilder().setEventId("e-" + requestId).setRequestId(requestId)
                .setGrantId("g-" + requestId).setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SERVICE, "grant-issuer"))
                .setRequester(request.getRequester()).setResource(request.getResource()).setScope(request.getScope())
                .setGrantedAt(Instant.now()).setExpiresAt(expiresAt).build();
    }

    @Test
    void grant_expiresAtItsTime_notBefore() {
        Instant expiresAt = Instant.now().plusSeconds(2);
        stack.send(Topics.ACCESS_GRANTED, "rv-time", granted("rv-time", expiresAt));

        List<ConsumerRecord<String, Object>> records = stack.awaitRecords(List.of(Topics.ACCESS_EXPIRED.name()),
                "rv-time", found -> !found.isEmpty(), WAIT);

        assertThat(records).singleElement().satisfies(record -> {
            AccessExpired expired = (AccessExpired) record.value();
            assertThat(expired.getReason()).isEqualTo(ExpiryReason.TIME_ELAPSED);
            assertThat(expired.getExpiresAt()).isEqualTo(expiresAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            assertThat(expired.getOccurredAt()).isAfterOrEqualTo(expired.getExpiresAt());
        });
    }

    @Test
    void revocation_endsTheGrantAtOnce() {
        stack.send(Topics.ACCESS_GRANTED, "rv-revoke", granted("rv-revoke", Instant.now().plusSeconds(3600)));
        stack.send(Topics.REVOCATION_REQUESTED, "rv-revoke", RevocationRequested.newBuilder()
                .setEventId("rr-1").setRequestId("rv-revoke").setGrantId("g-rv-revoke").setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.USER, "bob")).setReason("done early").build());

        List<ConsumerRecord<String, Object>> records = stack.awaitRecords(List.of(Topics.ACCESS_EXPIRED.name()),
                "rv-revoke", found -> !found.isEmpty(), WAIT);

        assertThat(records).singleElement().satisfies(record ->
                assertThat(((AccessExpired) record.value()).getReason()).isEqualTo(ExpiryReason.REVOKED));
    }
}
