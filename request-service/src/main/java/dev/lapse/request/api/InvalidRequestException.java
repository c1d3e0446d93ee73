package dev.lapse.request.api;

import java.util.List;

/** A REST request that breaks the rules; answered with 400 and every violation. */
final class InvalidRequestException extends RuntimeException {

    private final List<String> violations;

    InvalidRequestException(List<String> violations) {
        super(String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    List<String> violations() {
        return violations;
    }
}
