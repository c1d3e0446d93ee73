package dev.lapse.policy.files;

import dev.lapse.policy.PolicyProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Loads the policies from {@code lapse.policy.directory} (or the bundled sample set) and keeps them current. */
@Configuration(proxyBeanMethods = false)
class PolicyFilesConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PolicyFilesConfiguration.class);

    @Bean
    LoadedPolicies loadedPolicies(PolicyProperties properties, Clock clock, MeterRegistry meters) {
        PolicyFiles files = PolicyFiles.of(properties.directory());
        if (files instanceof PolicyFiles.Bundled) {
            log.warn("lapse.policy.directory is not set: deciding with the bundled sample policies ({}), which speak"
                    + " only about the demo's tables; set lapse.policy.directory to your directory of policy files"
                    + " (*.yaml, see docs/policies.md)", PolicyFiles.Bundled.LOCATION);
        }
        return LoadedPolicies.open(files, clock, meters);
    }

    @Bean
    PolicyDirectoryWatch policyDirectoryWatch(LoadedPolicies policies, PolicyProperties properties) {
        return new PolicyDirectoryWatch(policies, properties.reloadInterval());
    }

    @Bean
    PoliciesEndpoint policiesEndpoint(LoadedPolicies policies) {
        return new PoliciesEndpoint(policies);
    }
}
