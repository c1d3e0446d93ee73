package dev.lapse.grant.kafka;

import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.kafka.TopicDeclarations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AfterRollbackProcessor;

/** Declares the topics and parks poison records in their dead-letter topics. */
@Configuration(proxyBeanMethods = false)
class GrantKafkaConfiguration {

    @Bean
    KafkaAdmin.NewTopics lapseTopics() {
        return TopicDeclarations.all();
    }

    @Bean
    AfterRollbackProcessor<Object, Object> afterRollbackProcessor(KafkaTemplate<Object, Object> template) {
        return DeadLetterRouting.afterRollbackProcessor(template, (record, exception) -> {
        });
    }
}
