package dev.lapse.request.notify;

import dev.lapse.request.notify.LifecycleEvent.Subject;
import dev.lapse.request.notify.Notification.Requester;
import dev.lapse.request.notify.Notification.Resource;
import dev.lapse.request.notify.Notification.Scope;
import dev.lapse.request.notify.Notification.Tier;
import java.time.Instant;
import java.util.List;

/** Fixture factory: lifecycle events of one request with fixed values, times relative to {@link #T0}. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
    static final Subject SUBJECT = new Subject(new Requester("alice@example.com", List.of("support")),
            new Resource("postgres", "crm.public.customers"),
            new Scope(List.of("SELECT"), List.of("id", "email"), "region = 'EU'"));

    private Fixtures() {
    }

    static Instant at(long ms) {
        return T0.plusMillis(ms);
    }

    static LifecycleEvent.Requested requested(String requestId, long atMs) {
        return new LifecycleEvent.Requested("requested-" + requestId, requestId, at(atMs), SUBJECT);
    }

    static LifecycleEvent.Pending pending(String requestId, long atMs) {
        return new LifecycleEvent.Pending("pending-" + requestId, requestId, at(atMs), at(atMs + 3_600_000),
                "two-approvers", List.of(new Tier(1, List.of("support")), new Tier(1, List.of("data-owners"))));
    }

    static LifecycleEvent.Approved approved(String requestId, long atMs) {
        return new LifecycleEvent.Approved("approved-" + requestId, requestId, at(atMs), SUBJECT,
                List.of("bob@example.com", "carol@example.com"), "two-approvers", false);
    }

    static LifecycleEvent.Denied denied(String requestId, long atMs) {
        return new LifecycleEvent.Denied("denied-" + requestId, requestId, at(atMs), "alice@example.com",
                "no rule allows \"DELETE\"", "default-deny");
    }

    /** A grant from {@code atMs} that expires {@code durationMs} later. */
    static LifecycleEvent.Granted granted(String requestId, long atMs, long durationMs) {
        return new LifecycleEvent.Granted("granted-" + requestId, requestId, at(atMs), "grant-" + requestId, SUBJECT,
                at(atMs), at(atMs + durationMs), false);
    }

    /** The end of a grant that was due to end at {@code expiresAtMs}, announced at {@code atMs}. */
    static LifecycleEvent.Expired expired(String requestId, long atMs, long expiresAtMs, String reason) {
        return new LifecycleEvent.Expired("expired-" + requestId, requestId, at(atMs), "grant-" + requestId,
                "alice@example.com", reason, at(expiresAtMs));
    }
}
