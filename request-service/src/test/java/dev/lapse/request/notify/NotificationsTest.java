package dev.lapse.request.notify;

import static dev.lapse.request.notify.Fixtures.SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationsTest {

    @Test
    void of_whenPending_tellsTiersDeadlineAndTheKnownSubject() {
        Notification n = Notifications.of(Fixtures.pending("r1", 0), SUBJECT).orElseThrow();

        assertThat(n.toJson()).isEqualTo("{\"id\":\"" + Notification.idOf(NotificationType.REQUEST_PENDING,
                "pending-r1") + "\",\"type\":\"request.pending\",\"occurredAt\":\"2026-11-23T09:00:00Z\","
                + "\"requestId\":\"r1\",\"requester\":{\"id\":\"alice@example.com\",\"groups\":[\"support\"]},"
                + "\"resource\":{\"kind\":\"postgres\",\"name\":\"crm.public.customers\"},"
                + "\"scope\":{\"actions\":[\"SELECT\"],\"columns\":[\"id\",\"email\"],\"rowFilter\":\"region = 'EU'\"},"
                + "\"decideBy\":\"2026-11-23T10:00:00Z\",\"tiers\":[{\"required\":1,\"groups\":[\"support\"]},"
                + "{\"required\":1,\"groups\":[\"data-owners\"]}],\"policy\":\"two-approvers\"}");
    }

    @Test
    void of_whenPendingAndSubjectUnknown_leavesItOut() {
        String json = Notifications.of(Fixtures.pending("r1", 0), null).orElseThrow().toJson();

        assertThat(json).doesNotContain("requester", "resource", "scope").contains("\"tiers\":");
    }

    @Test
    void of_whenApproved_tellsApproversPolicyAndBreakGlass() {
        String json = Notifications.of(Fixtures.approved("r1", 1_500), null).orElseThrow().toJson();

        assertThat(json).isEqualTo("{\"id\":\"" + Notification.idOf(NotificationType.REQUEST_APPROVED, "approved-r1")
                + "\",\"type\":\"request.approved\",\"occurredAt\":\"2026-11-23T09:00:01.500Z\",\"requestId\":\"r1\","
                + "\"requester\":{\"id\":\"alice@example.com\",\"groups\":[\"support\"]},"
                + "\"resource\":{\"kind\":\"postgres\",\"name\":\"crm.public.customers\"},"
                + "\"scope\":{\"actions\":[\"SELECT\"],\"columns\":[\"id\",\"email\"],\"rowFilter\":\"region = 'EU'\"},"
                + "\"approvers\":[\"bob@example.com\",\"carol@example.com\"],\"policy\":\"two-approvers\","
                + "\"breakGlass\":false}");
    }

    @Test
    void of_whenDenied_escapesTheReasonAndNamesTheRequester() {
        String json = Notifications.of(Fixtures.denied("r1", 0), null).orElseThrow().toJson();

        assertThat(json).isEqualTo("{\"id\":\"" + Notification.idOf(NotificationType.REQUEST_DENIED, "denied-r1")
                + "\",\"type\":\"request.denied\",\"occurredAt\":\"2026-11-23T09:00:00Z\",\"requestId\":\"r1\","
                + "\"requester\":{\"id\":\"alice@example.com\",\"groups\":[]},\"policy\":\"default-deny\","
                + "\"reason\":\"no rule allows \\\"DELETE\\\"\"}");
    }

    @Test
    void of_whenGranted_tellsGrantAndExpiry() {
        String json = Notifications.of(Fixtures.granted("r1", 2_000, 1_800_000), null).orElseThrow().toJson();

        assertThat(json).isEqualTo("{\"id\":\"" + Notification.idOf(NotificationType.GRANT_GRANTED, "granted-r1")
                + "\",\"type\":\"grant.granted\",\"occurredAt\":\"2026-11-23T09:00:02Z\",\"requestId\":\"r1\","
                + "\"grantId\":\"grant-r1\",\"requester\":{\"id\":\"alice@example.com\",\"groups\":[\"support\"]},"
                + "\"resource\":{\"kind\":\"postgres\",\"name\":\"crm.public.customers\"},"
                + "\"scope\":{\"actions\":[\"SELECT\"],\"columns\":[\"id\",\"email\"],\"rowFilter\":\"region = 'EU'\"},"
                + "\"expiresAt\":\"2026-11-23T09:30:02Z\",\"breakGlass\":false}");
    }

    @Test
    void expiring_whenLeadFitsInTheGrant_fallsDueLeadBeforeExpiry() {
        LifecycleEvent.Granted granted = Fixtures.granted("r1", 0, 1_800_000);
        Notification n = Notifications.expiring(granted, Notifications.expiringDueAt(granted, Duration.ofMinutes(5)));

        assertThat(n.type()).isEqualTo(NotificationType.GRANT_EXPIRING);
        assertThat(n.id()).isEqualTo(Notification.idOf(NotificationType.GRANT_EXPIRING, "granted-r1"))
                .isNotEqualTo(Notification.idOf(NotificationType.GRANT_GRANTED, "granted-r1"));
        assertThat(n.occurredAt()).isEqualTo(Fixtures.at(1_500_000));
        assertThat(n.toJson()).contains("\"type\":\"grant.expiring\",\"occurredAt\":\"2026-11-23T09:25:00Z\"")
                .contains("\"grantId\":\"grant-r1\"", "\"expiresAt\":\"2026-11-23T09:30:00Z\"");
    }

    @Test
    void expiringDueAt_whenGrantShorterThanLead_isTheGrantItself() {
        LifecycleEvent.Granted granted = Fixtures.granted("r1", 0, 60_000);

        assertThat(Notifications.expiringDueAt(granted, Duration.ofMinutes(5))).isEqualTo(Fixtures.at(0));
    }

    @Test
    void of_whenExpired_tellsHowItEndedWithTheKnownSubject() {
        String json = Notifications.of(Fixtures.expired("r1", 10_000, 20_000, "REVOKED"), SUBJECT).orElseThrow()
                .toJson();

        assertThat(json).isEqualTo("{\"id\":\"" + Notification.idOf(NotificationType.GRANT_EXPIRED, "expired-r1")
                + "\",\"type\":\"grant.expired\",\"occurredAt\":\"2026-11-23T09:00:10Z\",\"requestId\":\"r1\","
                + "\"grantId\":\"grant-r1\",\"requester\":{\"id\":\"alice@example.com\",\"groups\":[\"support\"]},"
                + "\"resource\":{\"kind\":\"postgres\",\"name\":\"crm.public.customers\"},"
                + "\"scope\":{\"actions\":[\"SELECT\"],\"columns\":[\"id\",\"email\"],\"rowFilter\":\"region = 'EU'\"},"
                + "\"expiresAt\":\"2026-11-23T09:00:20Z\",\"reason\":\"REVOKED\"}");
    }

    @Test
    void of_whenRequested_makesNone() {
        assertThat(Notifications.of(Fixtures.requested("r1", 0), null)).isEmpty();
    }

    @Test
    void idOf_isStablePerTypeAndEvent() {
        assertThat(Notification.idOf(NotificationType.GRANT_GRANTED, "e1"))
                .isEqualTo(Notification.idOf(NotificationType.GRANT_GRANTED, "e1"))
                .isNotEqualTo(Notification.idOf(NotificationType.GRANT_GRANTED, "e2"));
    }

    @Test
    void toJson_isReadBackByAJsonParser() throws Exception {
        Notification n = new Notification("id", NotificationType.REQUEST_DENIED, Fixtures.T0, "r1", null,
                Fixtures.SUBJECT.requester(), null, null, null, null, null, null, "p",
                "quote \" slash \\ é \u2028 \u0007", null);

        JsonNode read = new ObjectMapper().readTree(n.toJson());

        assertThat(read.get("reason").asText()).isEqualTo("quote \" slash \\ é \u2028 \u0007");
        assertThat(read.get("requester").get("groups").get(0).asText()).isEqualTo("support");
        assertThat(read.has("grantId")).isFalse();
    }

    @Test
    void toJson_escapesControlCharacters() {
        Notification n = new Notification("id", NotificationType.REQUEST_DENIED, Fixtures.T0, "r\n1", null, null, null,
                null, null, null, null, List.of(), null, "tab\there\u0001\\", null);

        assertThat(n.toJson()).isEqualTo("{\"id\":\"id\",\"type\":\"request.denied\",\"occurredAt\":"
                + "\"2026-11-23T09:00:00Z\",\"requestId\":\"r\\n1\",\"approvers\":[],"
                + "\"reason\":\"tab\\there\\u0001\\\\\"}");
    }
}
