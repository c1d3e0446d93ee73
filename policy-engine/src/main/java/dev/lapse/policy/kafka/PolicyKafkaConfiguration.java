package dev.lapse.policy.kafka;

import dev.lapse.policy.decision.BuiltInRule;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.kafka.TopicDeclarations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AfterRollbackProcessor;

/** Wires the decision logic to Kafka: topics, the rule, and dead-letter routing of poison records. */
@Configuration(proxyBeanMethods = false)
class PolicyKafkaConfiguration {

    @Bean
    KafkaAdmin.NewTopics lapseTopics() {
        return TopicDeclarations.all();
    }

    @Bean
    BuiltInRule builtInRule(PolicyProperties properties) {
        return new BuiltInRule(properties.toOptions());
    }

    @Bean
    AfterRollbackProcessor<Object, Object> afterRollbackProcessor(KafkaTemplate<Object, Object> template) {
        return DeadLetterRouting.afterRollbackProcessor(template, (record, exception) -> {
        });
    }
}
