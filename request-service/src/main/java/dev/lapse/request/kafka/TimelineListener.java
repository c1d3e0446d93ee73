package dev.lapse.request.kafka;

import dev.lapse.request.timeline.TimelineBook;
import dev.lapse.schemas.kafka.EventDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Feeds the timeline from every lifecycle topic. Each instance reads all partitions from the beginning under a
 * consumer group of its own, so the read model is rebuilt from Kafka at every start and never lives only in
 * memory.
 */
@Component
class TimelineListener {

    private final TimelineBook book;
    private final EventDecoder decoder;

    TimelineListener(TimelineBook book, EventDecoder decoder) {
        this.book = book;
        this.decoder = decoder;
    }

    @KafkaListener(id = "request-timeline", groupId = "request-service-timeline-${random.uuid}",
            topics = {"lapse.access.requested", "lapse.access.rejected", "lapse.approval.pending",
                "lapse.approval.votes", "lapse.access.approved", "lapse.access.denied", "lapse.access.granted",
                "lapse.revocation.requested", "lapse.access.expired", "lapse.access.withdrawn"},
            containerFactory = "timelineContainerFactory")
    void onEvent(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        AvroMapping.timelineEvent(decoder.decode(record, Object.class)).ifPresent(book::apply);
    }
}
