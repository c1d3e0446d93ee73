package dev.lapse.request.kafka;

import dev.lapse.request.notify.Notifier;
import dev.lapse.request.notify.Webhook;
import dev.lapse.schemas.kafka.EventDecoder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the webhook notifier, only when at least one webhook is configured ({@code lapse.notify.webhooks[0].url}):
 * with none, no consumer runs and no thread starts.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "lapse.notify.webhooks[0].url")
class WebhookConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebhookConfiguration.class);

    @Bean
    WebhookFeed webhookFeed(NotifyProperties properties, KafkaProperties kafka, EventDecoder decoder, Clock clock,
            MeterRegistry meters) {
        List<Webhook> webhooks = properties.toWebhooks(System::getenv);
        Notifier notifier = new Notifier(properties.toOptions(), webhooks,
                () -> ThreadLocalRandom.current().nextDouble());
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, properties.groupId());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group notifies what happens from now on, not the topics' history.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // Eager range assignment: partition p of every topic goes to one instance (a request's events meet), and
        // every rebalance restarts from the committed offsets, which the notifier's restore relies on.
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        Supplier<Consumer<String, byte[]>> consumers = () -> new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer());
        NotifyProperties.Delivery delivery = properties.delivery();
        WebhookSender sender = new WebhookSender(delivery.connectTimeout(), delivery.requestTimeout(), clock);
        log.info("Webhooks {} get notifications (group {}, expiring lead {}, up to {} attempts)", webhooks,
                properties.groupId(), properties.expiringLead(), delivery.maxAttempts());
        return new WebhookFeed(notifier, consumers, decoder, sender, clock, properties.maxBacklog(), meters);
    }
}
