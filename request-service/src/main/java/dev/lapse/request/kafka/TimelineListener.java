package dev.lapse.request.kafka;

import dev.lapse.event.AccessRejected;
import dev.lapse.event.AccessRequested;
import dev.lapse.request.timeline.TimelineBook;
import dev.lapse.schemas.kafka.EventDecoder;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Feeds the timeline from every lifecycle topic. Each instance reads all partitions from the beginning under a
 * consumer group of its own, so the read model is rebuilt from Kafka at every start and never lives only in
 * memory. It also tells a waiting REST call the gate's verdict on its submission.
 */
@Component
class TimelineListener {

    private final TimelineBook book;
    private final SubmissionVerdicts verdicts;
    private final EventDecoder decoder;

    TimelineListener(TimelineBook book, SubmissionVerdicts verdicts, EventDecoder decoder) {
        this.book = book;
        this.verdicts = verdicts;
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
        Object event = decoder.decode(record, Object.class);
        AvroMapping.timelineEvent(event).ifPresent(book::apply);
        Header submission = record.headers().lastHeader(IngressListener.SUBMISSION_HEADER);
        if (submission != null) {
            String eventId = new String(submission.value(), StandardCharsets.UTF_8);
            if (event instanceof AccessRequested) {
                verdicts.decided(eventId, new SubmissionVerdicts.Verdict.Accepted());
            } else if (event instanceof AccessRejected rejected) {
                verdicts.decided(eventId, new SubmissionVerdicts.Verdict.Rejected(rejected.getReason(),
                        rejected.getViolations()));
            }
        }
    }
}
