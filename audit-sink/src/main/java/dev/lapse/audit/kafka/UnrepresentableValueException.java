package dev.lapse.audit.kafka;

/** A record's value decodes, but to something the audit's canonical JSON cannot hold; the message says where. */
final class UnrepresentableValueException extends RuntimeException {

    UnrepresentableValueException(String reason) {
        super(reason);
    }
}
