package dev.lapse.schemas.kafka;

import dev.lapse.schemas.serde.RegistryUnavailableException;
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

/**
 * Parks records that can never be processed in {@code <topic>.dlt} (same partition) with a one-line reason header,
 * inside the transaction that also commits the parked record's offset ({@link BatchTransactions}), so a broken
 * record never blocks its partition and is never lost. Which failures park and which wait is {@link RetryPolicy}'s
 * decision: only a record at fault is parked; a valid record whose processing failed because something was down waits until it goes through.
 */
public final class DeadLetterRouting {

    /** Header holding the one-line reason a record was parked. */
    public static final String REASON_HEADER = "lapse.dlt.reason";
    /** Header naming where the record came from, as {@code topic-partition@offset}. */
    public static final String SOURCE_HEADER = "lapse.dlt.source";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRouting.class);

    private DeadLetterRouting() {
    }

    /** What a service does, in the same transaction, after a record was parked (for example tell its requester). */
    @FunctionalInterface
    public interface AfterParking {

        /** Does nothing more than park. */
        AfterParking NOTHING = (record, exception) -> {
        };

        void parked(ConsumerRecord<?, ?> record, Exception exception);
    }

    /**
     * Parks a record at fault inside the running transaction: its copy goes to {@code <topic>.dlt}, same partition,
     * with the reason and source headers, then {@code afterParking} runs and the parking is counted.
     *
     * @param template transactional template whose value serializer passes raw bytes through
     * @param afterParking runs in the same transaction after a record was parked
     * @param waits counts what was parked
     */
    public static BiConsumer<ConsumerRecord<?, ?>, Exception> parking(KafkaOperations<Object, Object> template,
            AfterParking afterParking, PartitionWaits waits) {
        DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> new TopicPartition(record.topic() + dev.lapse.schemas.Topic.DEAD_LETTER_SUFFIX,
                        record.partition()));
        deadLetters.excludeHeader(DeadLetterPublishingRecoverer.HeaderNames.HeadersToAdd.EX_STACKTRACE);
        deadLetters.addHeadersFunction((record, exception) -> new RecordHeaders(new RecordHeader[] {
                new RecordHeader(REASON_HEADER, reason(exception).getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(SOURCE_HEADER, (record.topic() + "-" + record.partition() + "@" + record.offset())
                        .getBytes(StandardCharsets.UTF_8))}));
        return (record, exception) -> {
            log.warn("Parking {}-{}@{} in its dead-letter topic: {}", record.topic(), record.partition(),
                    record.offset(), reason(exception));
            deadLetters.accept(record, exception);
            afterParking.parked(record, exception);
            waits.parked(record);
        };
    }

    /** The one-line reason for a failure: the message of its most telling cause, never a stack trace. */
    public static String reason(Throwable exception) {
        // Lapse's own exceptions carry the clear message; framework wrappers around them only say "failed".
        Throwable telling = exception;
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            telling = cause;
            if (cause instanceof RejectedRecordException || cause instanceof SerializationException
                    || cause instanceof RegistryUnavailableException) {
                break;
            }
        }
        String message = telling.getMessage();
        String line = message == null ? telling.getClass().getSimpleName() : message.lines().findFirst().orElse("");
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }
}
