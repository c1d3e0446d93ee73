package dev.lapse.schemas.kafka;

import java.util.List;

/**
 * A record that was read but can never be processed, because it breaks the contract. It is not retried: it goes
 * to its topic's dead-letter topic with {@link #getMessage()} as the reason, and the consumer goes on.
 */
public class RejectedRecordException extends RuntimeException {

    private final List<String> violations;

    public RejectedRecordException(String reason, List<String> violations) {
        super(reason);
        this.violations = List.copyOf(violations);
    }

    /** Every rule the record broke, one line each. */
    public List<String> violations() {
        return violations;
    }
}
