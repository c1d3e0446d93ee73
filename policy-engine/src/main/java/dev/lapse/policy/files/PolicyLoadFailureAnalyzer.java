package dev.lapse.policy.files;

import java.util.stream.Collectors;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a start that failed on broken policy files into Spring Boot's short failure report: one {@code file:line:
 * what} line per error and what to do, instead of a stack trace. Registered in {@code META-INF/spring.factories}.
 */
public final class PolicyLoadFailureAnalyzer extends AbstractFailureAnalyzer<PolicyLoadException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PolicyLoadException cause) {
        String description = "The policies in " + cause.source() + " do not load:\n"
                + cause.errors().stream().map(error -> "    " + error).collect(Collectors.joining("\n"));
        String action = "Fix the errors above (docs/policies.md describes the format), or point lapse.policy.directory"
                + " at another directory of policy files; unset, the bundled sample set is used.";
        return new FailureAnalysis(description, action, cause);
    }
}
