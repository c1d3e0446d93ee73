package dev.lapse.schemas.kafka;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AfterRollbackProcessor;

/**
 * What every Lapse service gets by depending on {@code schemas}: the contract's topics declared at start-up and
 * poison records parked in dead-letter topics. A service that must do more when it parks a record declares its
 * own {@link AfterRollbackProcessor}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnClass(KafkaTemplate.class)
public class LapseKafkaAutoConfiguration {

    @Bean
    KafkaAdmin.NewTopics lapseTopics() {
        return TopicDeclarations.all();
    }

    @Bean
    @ConditionalOnMissingBean(AfterRollbackProcessor.class)
    AfterRollbackProcessor<Object, Object> lapseAfterRollbackProcessor(KafkaTemplate<Object, Object> template) {
        return DeadLetterRouting.afterRollbackProcessor(template, (record, exception) -> {
        });
    }
}
