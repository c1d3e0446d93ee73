package dev.lapse.request.notify;

import dev.lapse.request.notify.Notification.Requester;
import dev.lapse.request.notify.Notification.Resource;
import dev.lapse.request.notify.Notification.Scope;
import dev.lapse.request.notify.Notification.Tier;
import java.time.Instant;
import java.util.List;

/** The lifecycle events the notifier reads, with the fields it uses; the edge maps the Avro events onto these. */
public sealed interface LifecycleEvent {

    String eventId();

    String requestId();

    Instant occurredAt();

    /** Who asked for what: known from the request, and repeated by its approval and its grant. */
    record Subject(Requester requester, Resource resource, Scope scope) {
    }

    /** A request was accepted (no notification: it tells the notifier who asked for what). */
    record Requested(String eventId, String requestId, Instant occurredAt, Subject subject) implements LifecycleEvent {
    }

    /** A request awaits approval votes. */
    record Pending(String eventId, String requestId, Instant occurredAt, Instant decideBy, String policy,
            List<Tier> tiers) implements LifecycleEvent {
    }

    /** A request is approved. */
    record Approved(String eventId, String requestId, Instant occurredAt, Subject subject, List<String> approvers,
            String policy, boolean breakGlass) implements LifecycleEvent {
    }

    /** A request is denied. */
    record Denied(String eventId, String requestId, Instant occurredAt, String requesterId, String reason,
            String policy) implements LifecycleEvent {
    }

    /** Access is in place until {@code expiresAt}. */
    record Granted(String eventId, String requestId, Instant occurredAt, String grantId, Subject subject,
            Instant grantedAt, Instant expiresAt, boolean breakGlass) implements LifecycleEvent {
    }

    /** A grant ended: its time elapsed, or it was revoked ({@code reason}). */
    record Expired(String eventId, String requestId, Instant occurredAt, String grantId, String requesterId,
            String reason, Instant expiresAt) implements LifecycleEvent {
    }
}
