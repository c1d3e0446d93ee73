package dev.lapse.schemas;

import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.Scope;
import java.time.Instant;
import java.util.List;

/** Fixture factory: realistic events with fixed values, so encodings are byte-for-byte stable. */
public final class Events {

    private Events() {
    }

    public static AccessRequested accessRequested(String requestId) {
        return AccessRequested.newBuilder()
                .setEventId("7f1c6a52-2c39-4d43-9b5e-0a4c1f6d8e21")
                .setRequestId(requestId)
                .setOccurredAt(Instant.parse("2026-11-23T09:00:00Z"))
                .setCausedBy(new Actor(ActorKind.USER, "alice@example.com"))
                .setRequester(new Requester("alice@example.com", List.of("support")))
                .setResource(new Resource("postgres", "crm.public.customers"))
                .setScope(new Scope(List.of("SELECT"), List.of("id", "email"), "region = 'EU'"))
                .setReason("Ticket INC-1234: customer cannot log in")
                .setTicket("INC-1234")
                .setRequestedDurationMs(30_000L)
                .setSourceSystem("helpdesk")
                .build();
    }
}
