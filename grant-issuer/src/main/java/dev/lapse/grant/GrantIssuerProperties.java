package dev.lapse.grant;

import dev.lapse.grant.target.postgres.PostgresTargetSettings;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of grant-issuer, under {@code lapse.grant}. Without targets every grant is an event only (for the
 * consumers of {@code lapse.access.granted} to act on); each entry of {@code targets} makes Lapse provision the
 * grants of resources of that kind itself.
 *
 * @param targets the targets by name (the resource kind that requests use), for example {@code postgres}
 * @param withdrawalConcurrency how many withdrawals run at once against the targets when expiries queue up (after
 *     an outage, a restart): a backlog drains at once, never with more connections than this
 * @param reconcileInterval how often each target is compared with the grants Lapse holds provisioned in it
 * @param reconcileGrace how old a grant must be before reconciliation acts on it (its transaction may still be
 *     open), and how long past its time an undrained grant waits for the expiry flow before reconciliation drops it
 * @param overdueInterval how often the gauge of overdue grants in each target is refreshed
 */
@ConfigurationProperties("lapse.grant")
public record GrantIssuerProperties(@Nullable Map<String, PostgresTargetSettings> targets,
        @DefaultValue("4") int withdrawalConcurrency, @DefaultValue("PT1M") Duration reconcileInterval,
        @DefaultValue("PT2M") Duration reconcileGrace, @DefaultValue("PT10S") Duration overdueInterval) {

    public GrantIssuerProperties {
        targets = targets == null ? Map.of() : Map.copyOf(targets);
        if (withdrawalConcurrency < 1 || withdrawalConcurrency > 256) {
            throw new IllegalArgumentException("lapse.grant.withdrawal-concurrency must be 1..256, got "
                    + withdrawalConcurrency);
        }
        if (reconcileInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("lapse.grant.reconcile-interval must be at least PT1S, got "
                    + reconcileInterval);
        }
        if (reconcileGrace.isNegative()) {
            throw new IllegalArgumentException("lapse.grant.reconcile-grace must not be negative, got "
                    + reconcileGrace);
        }
        if (overdueInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("lapse.grant.overdue-interval must be at least PT0.1S, got "
                    + overdueInterval);
        }
        for (String name : targets.keySet()) {
            if (!name.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalArgumentException("lapse.grant.targets." + name
                        + ": a target's name must be lower-case letters, digits and '-' (it is the resource kind)");
            }
        }
    }
}
