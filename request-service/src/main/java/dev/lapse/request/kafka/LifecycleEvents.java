package dev.lapse.request.kafka;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.ApprovalPending;
import dev.lapse.event.ApprovalTier;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.Scope;
import dev.lapse.request.notify.LifecycleEvent;
import dev.lapse.request.notify.Notification;
import java.util.List;
import java.util.Optional;

/** Maps the Avro events the webhook notifier reads onto its plain {@link LifecycleEvent}s. */
final class LifecycleEvents {

    private LifecycleEvents() {
    }

    /** The notifier's view of {@code value}, or empty for an event it does not read. */
    static Optional<LifecycleEvent> of(Object value) {
        if (value instanceof AccessRequested e) {
            return Optional.of(new LifecycleEvent.Requested(e.getEventId(), e.getRequestId(), e.getOccurredAt(),
                    subject(e.getRequester(), e.getResource(), e.getScope())));
        }
        if (value instanceof ApprovalPending e) {
            return Optional.of(new LifecycleEvent.Pending(e.getEventId(), e.getRequestId(), e.getOccurredAt(),
                    e.getDecideBy(), e.getPolicy(), tiers(e)));
        }
        if (value instanceof AccessApproved e) {
            return Optional.of(new LifecycleEvent.Approved(e.getEventId(), e.getRequestId(), e.getOccurredAt(),
                    subject(e.getRequester(), e.getResource(), e.getScope()), e.getApprovers(), e.getPolicy(),
                    e.getBreakGlass()));
        }
        if (value instanceof AccessDenied e) {
            return Optional.of(new LifecycleEvent.Denied(e.getEventId(), e.getRequestId(), e.getOccurredAt(),
                    e.getRequesterId(), e.getReason(), e.getPolicy()));
        }
        if (value instanceof AccessGranted e) {
            return Optional.of(new LifecycleEvent.Granted(e.getEventId(), e.getRequestId(), e.getOccurredAt(),
                    e.getGrantId(), subject(e.getRequester(), e.getResource(), e.getScope()), e.getGrantedAt(),
                    e.getExpiresAt(), e.getBreakGlass()));
        }
        if (value instanceof AccessExpired e) {
            return Optional.of(new LifecycleEvent.Expired(e.getEventId(), e.getRequestId(), e.getOccurredAt(),
                    e.getGrantId(), e.getRequesterId(), e.getReason().name(), e.getExpiresAt()));
        }
        return Optional.empty();
    }

    /** Every tier of a pending request; an event without tiers has the one of requiredApprovals from its groups. */
    private static List<Notification.Tier> tiers(ApprovalPending pending) {
        if (pending.getTiers().isEmpty()) {
            return List.of(new Notification.Tier(pending.getRequiredApprovals(), pending.getApproverGroups()));
        }
        return pending.getTiers().stream()
                .map((ApprovalTier tier) -> new Notification.Tier(tier.getRequired(), tier.getGroups()))
                .toList();
    }

    private static LifecycleEvent.Subject subject(Requester requester, Resource resource, Scope scope) {
        return new LifecycleEvent.Subject(
                new Notification.Requester(requester.getId(), requester.getGroups()),
                new Notification.Resource(resource.getKind(), resource.getName()),
                new Notification.Scope(scope.getActions(), scope.getColumns(), scope.getRowFilter()));
    }
}
