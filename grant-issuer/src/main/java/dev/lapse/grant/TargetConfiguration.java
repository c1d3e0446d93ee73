package dev.lapse.grant;

import dev.lapse.grant.target.Target;
import dev.lapse.grant.target.TargetUnavailableException;
import dev.lapse.grant.target.Targets;
import dev.lapse.grant.target.postgres.PostgresTarget;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Opens the targets configured under {@code lapse.grant.targets}. A target that is down at start does not stop
 * grant-issuer: its grants wait (and are retried) until it answers, and reconciliation prepares it then.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GrantIssuerProperties.class)
class TargetConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TargetConfiguration.class);

    @Bean(destroyMethod = "close")
    Targets targets(GrantIssuerProperties properties, MeterRegistry meters) {
        List<Target> targets = new ArrayList<>();
        properties.targets().forEach((name, settings) -> {
            PostgresTarget target = PostgresTarget.open(name, settings);
            try {
                target.prepare();
                log.info("Target {} ({}) is ready: grants on resources of kind {} are provisioned there", name,
                        settings.url(), name);
            } catch (TargetUnavailableException e) {
                log.warn("Target {} ({}) is unavailable at start; its grants wait for it: {}", name,
                        settings.url(), e.getMessage());
            }
            targets.add(new TimedTarget(target, meters));
        });
        if (targets.isEmpty()) {
            log.info("No targets configured (lapse.grant.targets): every grant is an event only, for the consumers "
                    + "of lapse.access.granted to act on");
        }
        return new Targets(targets);
    }
}
