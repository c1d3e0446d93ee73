package dev.lapse.policy.kafka;

import dev.lapse.policy.decision.BuiltInRule;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of policy-engine, under {@code lapse.policy}; every one has a default that works out of the box. */
@ConfigurationProperties("lapse.policy")
record PolicyProperties(
        @DefaultValue("SELECT") Set<String> autoApprovedActions,
        @DefaultValue("PT1H") Duration maxDuration) {

    PolicyProperties {
        if (autoApprovedActions.isEmpty()) {
            throw new IllegalArgumentException("lapse.policy.auto-approved-actions must name at least one action");
        }
        if (maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("lapse.policy.max-duration must be positive, got " + maxDuration);
        }
    }

    BuiltInRule.Options toOptions() {
        return new BuiltInRule.Options(autoApprovedActions, maxDuration);
    }
}
