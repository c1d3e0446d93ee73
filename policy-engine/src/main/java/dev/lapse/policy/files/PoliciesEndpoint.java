package dev.lapse.policy.files;

import dev.lapse.policy.rules.Bundle;
import dev.lapse.policy.rules.LoadError;
import dev.lapse.policy.rules.PolicySet;
import dev.lapse.policy.rules.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The actuator endpoint {@code policies}: GET {@code /actuator/policies} shows the rules and bundles in force, where
 * they were read from, when, and the last failed reload since; POST reloads now and answers 200 with the new set,
 * or 422 (an RFC 7807 problem) with every error when the files do not load, the previous set staying in force.
 */
@Endpoint(id = "policies")
public final class PoliciesEndpoint {

    private final LoadedPolicies policies;

    PoliciesEndpoint(LoadedPolicies policies) {
        this.policies = policies;
    }

    @ReadOperation
    public Map<String, Object> policies() {
        PolicySet set = policies.get();
        LoadedPolicies.State state = policies.state();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", policies.files().describe());
        body.put("loadedAt", state.loadedAt().toString());
        body.put("rules", set.rules().stream().map(PoliciesEndpoint::rule).toList());
        body.put("bundles", set.bundles().stream().map(PoliciesEndpoint::bundle).toList());
        Map<String, Object> failure = null;
        if (state.lastFailureAt() != null) {
            failure = new LinkedHashMap<>();
            failure.put("at", state.lastFailureAt().toString());
            failure.put("errors", errors(state.lastErrors()));
        }
        body.put("lastReloadError", failure);
        return body;
    }

    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> reload() {
        List<LoadError> errors = policies.reload();
        if (errors.isEmpty()) {
            return new WebEndpointResponse<>(policies(), WebEndpointResponse.STATUS_OK);
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Policies not reloaded");
        problem.put("status", 422);
        problem.put("detail", "the policies in " + policies.files().describe() + " do not load; the previous "
                + policies.get().rules().size() + " rules stay in force");
        problem.put("errors", errors(errors));
        return new WebEndpointResponse<>(problem, 422);
    }

    private static Map<String, Object> rule(Rule rule) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", rule.name());
        out.put("file", rule.file() + ":" + rule.line());
        out.put("outcome", rule.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        out.put("target", rule.target().pattern());
        out.put("table", rule.table().pattern());
        out.put("actions", rule.actions().stream().sorted().toList());
        if (!rule.tiers().isEmpty()) {
            out.put("approvals", rule.tiers().stream().map(Object::toString).toList());
        }
        if (rule.maxDuration() != null) {
            out.put("maxDuration", rule.maxDuration().toString());
        }
        if (rule.pendingTimeout() != null) {
            out.put("pendingTimeout", rule.pendingTimeout().toString());
        }
        if (rule.condition() != null) {
            out.put("when", rule.condition().expression());
        }
        return out;
    }

    private static Map<String, Object> bundle(Bundle bundle) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", bundle.name());
        out.put("requestableBy", bundle.requestableBy());
        out.put("scopes", bundle.scopes().stream().map(Object::toString).toList());
        if (bundle.maxDuration() != null) {
            out.put("maxDuration", bundle.maxDuration().toString());
        }
        return out;
    }

    private static List<String> errors(List<LoadError> errors) {
        return errors.stream().map(LoadError::toString).toList();
    }
}
