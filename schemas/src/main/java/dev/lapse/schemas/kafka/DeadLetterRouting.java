package dev.lapse.schemas.kafka;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Parks poison records in {@code <topic>.dlt} (same partition) with a one-line reason header, inside a
 * transaction that also commits the poison record's offset, so a bad record never blocks its partition and is
 * never lost. Records that cannot be read, and records rejected by validation, are not retried; any other failure
 * is retried a few times first.
 */
public final class DeadLetterRouting {

    /** Header holding the one-line reason a record was parked. */
    public static final String REASON_HEADER = "lapse.dlt.reason";
    /** Header naming where the record came from, as {@code topic-partition@offset}. */
    public static final String SOURCE_HEADER = "lapse.dlt.source";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRouting.class);
    private static final long RETRY_INTERVAL_MS = 200;
    private static final long RETRIES = 2;

    private DeadLetterRouting() {
    }

    /**
     * The after-rollback processor for a transactional listener container.
     *
     * @param template transactional template whose value serializer passes raw bytes through
     * @param afterParking runs in the same transaction after a record was parked (for example to publish a
     *     rejection event); may do nothing
     */
    public static DefaultAfterRollbackProcessor<Object, Object> afterRollbackProcessor(
            KafkaOperations<Object, Object> template, BiConsumer<ConsumerRecord<?, ?>, Exception> afterParking) {
        DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> new TopicPartition(record.topic() + dev.lapse.schemas.Topic.DEAD_LETTER_SUFFIX,
                        record.partition()));
        deadLetters.excludeHeader(DeadLetterPublishingRecoverer.HeaderNames.HeadersToAdd.EX_STACKTRACE);
        deadLetters.addHeadersFunction((record, exception) -> new RecordHeaders(new RecordHeader[] {
                new RecordHeader(REASON_HEADER, reason(exception).getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(SOURCE_HEADER, (record.topic() + "-" + record.partition() + "@" + record.offset())
                        .getBytes(StandardCharsets.UTF_8))}));
        BiConsumer<ConsumerRecord<?, ?>, Exception> recoverer = (record, exception) -> {
            log.warn("Parking {}-{}@{} in its dead-letter topic: {}", record.topic(), record.partition(),
                    record.offset(), reason(exception));
            deadLetters.accept(record, exception);
            afterParking.accept(record, exception);
        };
        DefaultAfterRollbackProcessor<Object, Object> processor = new DefaultAfterRollbackProcessor<>(
                recoverer, new FixedBackOff(RETRY_INTERVAL_MS, RETRIES), template, true);
        processor.addNotRetryableExceptions(RejectedRecordException.class, SerializationException.class);
        return processor;
    }

    /** The one-line reason for a failure: the message of its most telling cause, never a stack trace. */
    public static String reason(Throwable exception) {
        // Lapse's own exceptions carry the clear message; framework wrappers around them only say "failed".
        Throwable telling = exception;
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            telling = cause;
            if (cause instanceof RejectedRecordException || cause instanceof SerializationException) {
                break;
            }
        }
        String message = telling.getMessage();
        String line = message == null ? telling.getClass().getSimpleName() : message.lines().findFirst().orElse("");
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }
}
