package dev.lapse.request.notify;

import java.net.URI;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One configured receiver: where notifications go, the secret they are signed with, and which types it wants.
 *
 * @param name a short name for logs and metrics (never the secret, nor a URL that may hold a token)
 * @param url the address notifications are POSTed to
 * @param signature signs each request with this receiver's secret
 * @param events the types it wants; empty means all of them
 */
public record Webhook(String name, URI url, WebhookSignature signature, Set<NotificationType> events) {

    public Webhook {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(signature, "signature");
        events = events.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(events));
    }

    /** Whether this receiver wants notifications of {@code type}. */
    public boolean accepts(NotificationType type) {
        return events.isEmpty() || events.contains(type);
    }

    @Override
    public String toString() {
        return "Webhook[" + name + "]";
    }
}
