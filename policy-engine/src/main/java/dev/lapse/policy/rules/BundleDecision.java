package dev.lapse.policy.rules;

import java.util.List;

/** The decision on a bundle as a whole, and the decision on each of its scopes that it was combined from. */
public record BundleDecision(PolicyDecision decision, List<ScopeDecision> scopes) {

    public BundleDecision {
        scopes = List.copyOf(scopes);
    }

    /** The rules' decision on one scope of the bundle. */
    public record ScopeDecision(Bundle.Scope scope, PolicyDecision decision) {
    }
}
