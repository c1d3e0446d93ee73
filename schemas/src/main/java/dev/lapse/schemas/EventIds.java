package dev.lapse.schemas;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Event ids for events that happen at most once in a request's life (approved, granted, expired, ...): derived
 * from the request id and the event type, so a retried step emits the same id and consumers can drop the copy.
 */
public final class EventIds {

    private EventIds() {
    }

    /** The id of the one event of {@code eventType} for {@code requestId}. */
    public static String once(String eventType, String requestId) {
        return UUID.nameUUIDFromBytes(("lapse/" + eventType + "/" + requestId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
