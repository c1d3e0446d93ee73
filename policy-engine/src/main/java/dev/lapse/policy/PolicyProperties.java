package dev.lapse.policy;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of policy-engine, under {@code lapse.policy}; every one has a default that works out of the box.
 *
 * @param directory the directory of policy files ({@code *.yaml}, {@code *.yml}); unset: the sample set bundled with
 *     policy-engine, which speaks only about the demo's tables
 * @param reloadInterval how often the directory's files are compared with the policies in force, to reload them when
 *     they changed
 * @param timeoutCheckInterval how long a quiet listener waits before it looks for pending requests past their
 *     deadline (after a busy poll batch it looks at once); a time-out is announced at most about this late
 */
@ConfigurationProperties("lapse.policy")
public record PolicyProperties(
        @Nullable Path directory,
        @DefaultValue("PT5S") Duration reloadInterval,
        @DefaultValue("PT1S") Duration timeoutCheckInterval) {

    public PolicyProperties {
        if (reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new IllegalArgumentException("lapse.policy.reload-interval must be positive, got " + reloadInterval);
        }
        if (timeoutCheckInterval.toMillis() < 10) {
            throw new IllegalArgumentException("lapse.policy.timeout-check-interval must be at least 10 ms, got "
                    + timeoutCheckInterval);
        }
    }
}
