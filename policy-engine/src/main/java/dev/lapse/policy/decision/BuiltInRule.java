package dev.lapse.policy.decision;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one rule the foundation ships with, until policies as code arrive: read-only actions on named columns are
 * approved on their own, for at most {@code maxDuration}; anything else is denied, because no policy allows it
 * (privacy by default: no matching policy means deny).
 */
public final class BuiltInRule {

    /** The name under which this rule's decisions are recorded. */
    public static final String NAME = "built-in/read-only-columns";

    private final Set<String> autoApprovedActions;
    private final Duration maxDuration;

    /** Settings of the rule: which actions it approves on its own, and the longest duration it grants. */
    public record Options(Set<String> autoApprovedActions, Duration maxDuration) {
        public Options {
            autoApprovedActions = autoApprovedActions.stream()
                    .map(action -> action.toUpperCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet());
            if (maxDuration.isNegative() || maxDuration.isZero()) {
                throw new IllegalArgumentException("maxDuration must be positive, got " + maxDuration);
            }
        }
    }

    public BuiltInRule(Options options) {
        this.autoApprovedActions = options.autoApprovedActions();
        this.maxDuration = options.maxDuration();
    }

    /** Decides one request. */
    public Decision decide(AccessRequest request) {
        List<String> notAllowed = request.actions().stream()
                .filter(action -> !autoApprovedActions.contains(action.toUpperCase(Locale.ROOT)))
                .toList();
        if (!notAllowed.isEmpty()) {
            return new Decision.Deny("no policy allows " + String.join(", ", notAllowed) + " on "
                    + request.resourceKind() + " " + request.resourceName() + "; only "
                    + autoApprovedActions.stream().sorted().collect(Collectors.joining(", "))
                    + " is approved without a policy", NAME);
        }
        if (request.columns().isEmpty()) {
            return new Decision.Deny("no columns named: access is granted to named columns only", NAME);
        }
        boolean capped = request.requestedDuration().compareTo(maxDuration) > 0;
        Duration duration = capped ? maxDuration : request.requestedDuration();
        return new Decision.Approve(duration, NAME, capped
                ? "read-only access approved, duration capped at " + maxDuration
                : "read-only access approved");
    }
}
