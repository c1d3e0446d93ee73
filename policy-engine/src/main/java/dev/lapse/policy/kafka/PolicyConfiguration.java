package dev.lapse.policy.kafka;

import dev.lapse.policy.decision.BuiltInRule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the decision logic from {@code lapse.policy.*}. */
@Configuration(proxyBeanMethods = false)
class PolicyConfiguration {

    @Bean
    BuiltInRule builtInRule(PolicyProperties properties) {
        return new BuiltInRule(properties.toOptions());
    }
}
