package dev.lapse.schemas.serde;

import org.apache.kafka.common.errors.RetriableException;

/**
 * The schema registry could not be reached, timed out, or answered with a server error: the world is down, not the
 * record. Callers wait and retry; they never park a record for this. Deliberately not a
 * {@link org.apache.kafka.common.errors.SerializationException}, which means the bytes themselves are broken.
 */
public final class RegistryUnavailableException extends RetriableException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public RegistryUnavailableException(String message) {
        super(message);
    }
}
