package dev.lapse.audit.kafka;

import org.jspecify.annotations.Nullable;

/** A record's value cannot be decoded, for the reason in the message: its entry records that reason instead. */
final class UnreadableValueException extends RuntimeException {

    private final @Nullable Integer schemaId;

    UnreadableValueException(String reason, @Nullable Integer schemaId) {
        super(reason);
        this.schemaId = schemaId;
    }

    /** The schema id the value's prefix names, when it has one. */
    @Nullable Integer schemaId() {
        return schemaId;
    }
}
