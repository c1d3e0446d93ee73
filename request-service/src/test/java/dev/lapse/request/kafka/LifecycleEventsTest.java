package dev.lapse.request.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ApprovalPending;
import dev.lapse.event.ExpiryReason;
import dev.lapse.event.RevocationRequested;
import dev.lapse.request.notify.LifecycleEvent;
import dev.lapse.request.notify.Notification;
import dev.lapse.request.notify.NotificationType;
import dev.lapse.request.notify.Notifications;
import dev.lapse.schemas.Events;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleEventsTest {

    private static final Instant AT = Instant.parse("2026-11-23T09:00:00Z");
    private static final Actor SERVICE = new Actor(ActorKind.SERVICE, "test");

    @Test
    void of_whenGranted_carriesTheSubjectIntoTheBody() {
        AccessRequested request = Events.accessRequested("r1");
        AccessGranted granted = AccessGranted.newBuilder().setEventId("e-granted").setRequestId("r1").setOccurredAt(AT)
                .setCausedBy(SERVICE).setGrantId("g1").setRequester(request.getRequester())
                .setResource(request.getResource()).setScope(request.getScope()).setGrantedAt(AT)
                .setExpiresAt(AT.plusSeconds(1800)).setBreakGlass(true).build();

        String json = body(granted);

        assertThat(json).isEqualTo("{\"id\":\"" + Notification.idOf(NotificationType.GRANT_GRANTED, "e-granted")
                + "\",\"type\":\"grant.granted\",\"occurredAt\":\"2026-11-23T09:00:00Z\","
                + "\"requestId\":\"r1\",\"grantId\":\"g1\","
                + "\"requester\":{\"id\":\"alice@example.com\",\"groups\":[\"support\"]},"
                + "\"resource\":{\"kind\":\"postgres\",\"name\":\"crm.public.customers\"},"
                + "\"scope\":{\"actions\":[\"SELECT\"],\"columns\":[\"id\",\"email\"],\"rowFilter\":\"region = 'EU'\"},"
                + "\"expiresAt\":\"2026-11-23T09:30:00Z\",\"breakGlass\":true}");
    }

    @Test
    void of_whenPendingWithoutTiers_makesTheOneTierOfRequiredApprovals() {
        ApprovalPending pending = ApprovalPending.newBuilder().setEventId("e-pending").setRequestId("r1")
                .setOccurredAt(AT).setCausedBy(SERVICE).setRequiredApprovals(2).setApproverGroups(List.of("dba"))
                .setDecideBy(AT.plusSeconds(600)).setPolicy("legacy").build();

        assertThat(body(pending)).contains("\"decideBy\":\"2026-11-23T09:10:00Z\"",
                "\"tiers\":[{\"required\":2,\"groups\":[\"dba\"]}]", "\"policy\":\"legacy\"");
    }

    @Test
    void of_whenExpired_namesHowItEnded() {
        AccessExpired expired = AccessExpired.newBuilder().setEventId("e-expired").setRequestId("r1")
                .setOccurredAt(AT).setCausedBy(SERVICE).setGrantId("g1").setRequesterId("alice@example.com")
                .setReason(ExpiryReason.REVOKED).setExpiresAt(AT.plusSeconds(60)).build();

        assertThat(body(expired)).contains("\"type\":\"grant.expired\"", "\"reason\":\"REVOKED\"",
                "\"requester\":{\"id\":\"alice@example.com\",\"groups\":[]}", "\"expiresAt\":\"2026-11-23T09:01:00Z\"");
    }

    @Test
    void of_whenAnEventTheNotifierDoesNotRead_isEmpty() {
        RevocationRequested revocation = RevocationRequested.newBuilder().setEventId("e").setRequestId("r1")
                .setGrantId("g1").setOccurredAt(AT).setCausedBy(SERVICE).setReason("done").build();

        assertThat(LifecycleEvents.of(revocation)).isEmpty();
    }

    private static String body(Object avro) {
        LifecycleEvent event = LifecycleEvents.of(avro).orElseThrow();
        return Notifications.of(event, null).orElseThrow().toJson();
    }
}
