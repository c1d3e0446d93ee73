package dev.lapse.audit.chain;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One header of a Kafka record, in the order the record carries them (a name may repeat).
 *
 * @param name  the header's name
 * @param value its value, or null for a header written without one
 */
public record AuditHeader(String name, @Nullable RecordBytes value) {

    public AuditHeader {
        Objects.requireNonNull(name, "name");
        CanonicalJson.requireWellFormed("header name", name);
    }
}
