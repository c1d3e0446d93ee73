package dev.lapse.policy.files;

import dev.lapse.policy.rules.LoadError;
import java.util.List;
import java.util.stream.Collectors;

/** The policy files did not load at start, so policy-engine cannot start: every error, one line each. */
public final class PolicyLoadException extends RuntimeException {

    private final String source;
    private final List<LoadError> errors;

    PolicyLoadException(String source, List<LoadError> errors) {
        super("the policies in " + source + " do not load:\n" + errors.stream().map(LoadError::toString)
                .collect(Collectors.joining("\n")));
        this.source = source;
        this.errors = List.copyOf(errors);
    }

    /** Where the policies were read from. */
    public String source() {
        return source;
    }

    /** Every error, as {@code file:line: what}. */
    public List<LoadError> errors() {
        return errors;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // the errors say everything; a stack trace would only bury them
    }
}
