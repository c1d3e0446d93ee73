package dev.lapse.schemas.kafka;

import dev.lapse.schemas.Topic;
import dev.lapse.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Every topic of the contract and its dead-letter topic, for a service's KafkaAdmin to create when missing.
 * Every service declares all of them, so no start order is needed and a partition count is never guessed.
 */
public final class TopicDeclarations {

    private TopicDeclarations() {
    }

    /**
     * The lifecycle topics and their dead-letter topics, and the compacted state topics, each with the contract's
     * partition count.
     */
    public static KafkaAdmin.NewTopics all() {
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<String, ?> topic : Topics.LIFECYCLE) {
            topics.add(TopicBuilder.name(topic.name()).partitions(topic.partitions()).build());
            topics.add(TopicBuilder.name(topic.deadLetterName()).partitions(topic.partitions()).build());
        }
        for (Topic<String, ?> topic : Topics.STATE) {
            topics.add(TopicBuilder.name(topic.name()).partitions(topic.partitions()).compact().build());
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }
}
