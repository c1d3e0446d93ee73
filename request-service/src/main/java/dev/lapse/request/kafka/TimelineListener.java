package dev.lapse.request.kafka;

import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRejected;
import dev.lapse.event.AccessRequested;
import dev.lapse.request.timeline.TimelineBook;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.lapse.schemas.kafka.EventDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
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

    /** Metric: submitted → granted latency. */
    static final String SUBMITTED_TO_GRANTED = "lapse.request.submitted.to.granted";

    private final TimelineBook book;
    private final SubmissionVerdicts verdicts;
    private final EventDecoder decoder;
    private final Timer submittedToGranted;
    /** Grants older than this instance are history replayed at start, not latency to report now. */
    private final long startedAtMs;

    TimelineListener(TimelineBook book, SubmissionVerdicts verdicts, EventDecoder decoder, MeterRegistry meters,
            Clock clock) {
        this.book = book;
        this.verdicts = verdicts;
        this.decoder = decoder;
        this.startedAtMs = clock.millis();
        this.submittedToGranted = Timer.builder(SUBMITTED_TO_GRANTED)
                .description("From a request's submission to its grant (event times), for grants seen live")
                .publishPercentileHistogram()
                .register(meters);
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
        if (event instanceof AccessGranted granted && record.timestamp() >= startedAtMs) {
            book.submittedToGrantedMs(granted.getRequestId())
                    .ifPresent(ms -> submittedToGranted.record(ms, TimeUnit.MILLISECONDS));
        }
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
