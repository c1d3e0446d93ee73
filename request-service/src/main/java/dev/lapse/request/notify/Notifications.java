package dev.lapse.request.notify;

import dev.lapse.request.notify.LifecycleEvent.Approved;
import dev.lapse.request.notify.LifecycleEvent.Denied;
import dev.lapse.request.notify.LifecycleEvent.Expired;
import dev.lapse.request.notify.LifecycleEvent.Granted;
import dev.lapse.request.notify.LifecycleEvent.Pending;
import dev.lapse.request.notify.LifecycleEvent.Requested;
import dev.lapse.request.notify.LifecycleEvent.Subject;
import dev.lapse.request.notify.Notification.Requester;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What each lifecycle event tells a receiver. Pending, denied and expired events do not repeat who asked for what;
 * the notifier passes the request's {@link Subject} when it knows it, and those members are left out when not.
 */
public final class Notifications {

    private Notifications() {
    }

    /** The notification {@code event} makes, or empty for an event that makes none. */
    public static Optional<Notification> of(LifecycleEvent event, @Nullable Subject known) {
        if (event instanceof Pending e) {
            return Optional.of(new Notification(Notification.idOf(NotificationType.REQUEST_PENDING, e.eventId()),
                    NotificationType.REQUEST_PENDING, e.occurredAt(), e.requestId(), null, requester(known),
                    resource(known), scope(known), null, e.decideBy(), e.tiers(), null, e.policy(), null, null));
        }
        if (event instanceof Approved e) {
            Subject s = e.subject();
            return Optional.of(new Notification(Notification.idOf(NotificationType.REQUEST_APPROVED, e.eventId()),
                    NotificationType.REQUEST_APPROVED, e.occurredAt(), e.requestId(), null, s.requester(),
                    s.resource(), s.scope(), null, null, null, e.approvers(), e.policy(), null, e.breakGlass()));
        }
        if (event instanceof Denied e) {
            return Optional.of(new Notification(Notification.idOf(NotificationType.REQUEST_DENIED, e.eventId()),
                    NotificationType.REQUEST_DENIED, e.occurredAt(), e.requestId(), null,
                    requester(known, e.requesterId()), resource(known), scope(known), null, null, null, null,
                    e.policy(), e.reason(), null));
        }
        if (event instanceof Granted e) {
            Subject s = e.subject();
            return Optional.of(new Notification(Notification.idOf(NotificationType.GRANT_GRANTED, e.eventId()),
                    NotificationType.GRANT_GRANTED, e.occurredAt(), e.requestId(), e.grantId(), s.requester(),
                    s.resource(), s.scope(), e.expiresAt(), null, null, null, null, null, e.breakGlass()));
        }
        if (event instanceof Expired e) {
            return Optional.of(new Notification(Notification.idOf(NotificationType.GRANT_EXPIRED, e.eventId()),
                    NotificationType.GRANT_EXPIRED, e.occurredAt(), e.requestId(), e.grantId(),
                    requester(known, e.requesterId()), resource(known), scope(known), e.expiresAt(), null, null,
                    null, null, e.reason(), null));
        }
        if (event instanceof Requested) {
            return Optional.empty();
        }
        throw new IllegalArgumentException("unknown lifecycle event " + event);
    }

    /**
     * When the "expires soon" notice of {@code granted} falls due: {@code lead} before it expires, or at once when
     * the whole grant is shorter than the lead.
     */
    public static Instant expiringDueAt(Granted granted, Duration lead) {
        Instant dueAt = granted.expiresAt().minus(lead);
        return dueAt.isBefore(granted.grantedAt()) ? granted.grantedAt() : dueAt;
    }

    /** The "expires soon" notice of {@code granted}, falling due at {@code dueAt}. */
    public static Notification expiring(Granted granted, Instant dueAt) {
        Subject s = granted.subject();
        return new Notification(Notification.idOf(NotificationType.GRANT_EXPIRING, granted.eventId()),
                NotificationType.GRANT_EXPIRING, dueAt, granted.requestId(), granted.grantId(), s.requester(),
                s.resource(), s.scope(), granted.expiresAt(), null, null, null, null, null, granted.breakGlass());
    }

    private static @Nullable Requester requester(@Nullable Subject known) {
        return known == null ? null : known.requester();
    }

    /** The known requester, with groups, if it is the one the event names; else the event's id alone. */
    private static Requester requester(@Nullable Subject known, String requesterId) {
        return known != null && known.requester().id().equals(requesterId) ? known.requester()
                : new Requester(requesterId, List.of());
    }

    private static Notification.@Nullable Resource resource(@Nullable Subject known) {
        return known == null ? null : known.resource();
    }

    private static Notification.@Nullable Scope scope(@Nullable Subject known) {
        return known == null ? null : known.scope();
    }
}
