package dev.lapse.request.kafka;

import dev.lapse.schemas.serde.RegistryUnavailableException;
import java.time.Duration;

/** A REST write that Kafka or the schema registry could not take now; answered 503 with {@code Retry-After}. */
public final class WriteUnavailableException extends RuntimeException {

    private final Duration retryAfter;

    /** @param message the full reason, for the log */
    public WriteUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** How long the caller should wait before trying again. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** What was unavailable, in words for the caller: no host names, no exception types. */
    public String unavailable() {
        for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof RegistryUnavailableException) {
                return "the schema registry did not answer";
            }
        }
        return "Kafka did not acknowledge the write in time";
    }
}
