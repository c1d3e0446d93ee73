package dev.lapse.schemas.kafka;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Runs a listener's poll batch as one Kafka transaction: the records each record leads to and the consumed offsets
 * of the whole batch commit together, so a commit costs milliseconds per batch instead of per record (a producer
 * committing per record tops out near 100 records/s; see {@code shared/reference/kafka-transactions.md}).
 * Records are handled in the order they were polled, so the order of each partition, hence of each key, holds.
 *
 * <p>The rules of a record listener still hold, record by record:
 * <ul>
 *   <li><b>Park what is broken.</b> A record whose handling throws a {@link RetryPolicy#parks parking} failure goes
 *       to its dead-letter topic, with its reason, inside the same transaction, and the batch goes on: the good
 *       records of the batch are neither lost nor handled twice.</li>
 *   <li><b>Wait for what is down.</b> Any other failure aborts the transaction (nothing of it is ever visible to
 *       read_committed consumers), and the batch is tried again at once without the failed record's partition;
 *       that partition is sought back to the failed record and paused for a backoff that doubles up to the
 *       maximum, while the consumer's other partitions go on. A failing commit (broker, fencing) rewinds every
 *       partition of the batch and pauses them.</li>
 *   <li><b>Once only.</b> A handler's state guard ({@link SeenRequests}) learns claims before the commit; a record
 *       handled again after an abort is recognised as its own claimant, so an abort never turns into a refusal.</li>
 * </ul>
 * Why not spring-kafka's transactional batch container: its after-rollback processing re-seeks and retries the
 * whole batch, pausing all partitions, and recovers (parks) the whole batch when retries end; Lapse parks only the
 * broken record and never gives up on a valid one, so the transaction is driven here instead.
 *
 * <p>The container must be a batch container without a transaction manager and with manual acknowledgement, so
 * that only this class commits offsets ({@link RawRecordConsumers#CONTAINER_FACTORY} is one).
 */
public final class BatchTransactions {

    /** Metric: records handled per committed transaction, tagged by listener. */
    public static final String RECORDS_PER_TRANSACTION = "lapse.kafka.transaction.records";

    private static final Logger log = LoggerFactory.getLogger(BatchTransactions.class);

    private final KafkaTemplate<Object, Object> template;
    private final BiConsumer<ConsumerRecord<?, ?>, Exception> parking;
    private final RetryPolicy policy;
    private final PartitionWaits waits;
    private final PausingBackOff pausing;
    private final Function<String, @Nullable MessageListenerContainer> containers;
    private final MeterRegistry meters;
    private final Map<String, DistributionSummary> sizes = new ConcurrentHashMap<>();

    /**
     * @param template the service's transactional template; handlers send through it (it binds the batch's
     *     producer to the consumer thread)
     * @param parking parks a broken record inside the running transaction (see {@link DeadLetterRouting#parking})
     * @param containers finds a listener's container by id, to pause one of its partitions
     */
    public BatchTransactions(KafkaTemplate<Object, Object> template,
            BiConsumer<ConsumerRecord<?, ?>, Exception> parking, RetryPolicy policy, PartitionWaits waits,
            PausingBackOff pausing, Function<String, @Nullable MessageListenerContainer> containers,
            MeterRegistry meters) {
        this.template = template;
        this.parking = parking;
        this.policy = policy;
        this.waits = waits;
        this.pausing = pausing;
        this.containers = containers;
        this.meters = meters;
    }

    /** What a listener does with one record, inside the batch's transaction. */
    @FunctionalInterface
    public interface RecordHandler {

        /**
         * Handles one record, sending what it leads to through the service's template. A record at fault must be
         * refused (by throwing a {@link RejectedRecordException}) before anything is sent for it: what it sent
         * would otherwise commit with the batch next to its dead-letter copy.
         */
        void handle(ConsumerRecord<String, byte[]> record);
    }

    /**
     * What a handler that keeps state in memory learns of each transaction the batch runs in: an attempt begins,
     * then commits or aborts. A batch may take several attempts (a record's failure aborts the attempt and the rest
     * of the batch is tried again without that record's partition), so what a handler changed in memory during an
     * aborted attempt must be undone, or the records handled again would meet their own effects. Called on the
     * consumer thread, around the handler's calls.
     */
    public interface Attempts {

        /** For handlers with nothing to undo. */
        Attempts NONE = new Attempts() {
            @Override
            public void begun() {
            }

            @Override
            public void committed() {
            }

            @Override
            public void aborted() {
            }
        };

        /** A transaction begins; the handler's next calls belong to it. */
        void begun();

        /** The transaction committed: what the handler did in it is durable. */
        void committed();

        /** The transaction was aborted (a record failed, or the commit did): nothing the handler did in it holds. */
        void aborted();
    }

    /**
     * Handles {@code records} (one poll) for listener {@code listenerId} in one transaction, as described above.
     * Never throws for a record's failure: it is parked or waited for.
     */
    public void process(String listenerId, List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer,
            RecordHandler handler) {
        process(listenerId, records, consumer, handler, Attempts.NONE);
    }

    /**
     * {@link #process(String, List, Consumer, RecordHandler)}, telling {@code attempts} when each transaction begins
     * and how it ends; the records, offsets and failures are handled exactly the same way.
     */
    public void process(String listenerId, List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer,
            RecordHandler handler, Attempts attempts) {
        // A failed send is reported once per wait, not by spring-kafka's line per attempt (PerAttemptLineFilter).
        PartitionWaits.reportFailuresOnThisThread();
        Set<TopicPartition> waiting = new HashSet<>();
        while (true) {
            List<ConsumerRecord<String, byte[]>> attempt = new ArrayList<>(records.size());
            for (ConsumerRecord<String, byte[]> record : records) {
                if (!waiting.contains(partition(record))) {
                    attempt.add(record);
                }
            }
            if (attempt.isEmpty()) {
                return;
            }
            RecordFailure[] failed = new RecordFailure[1];
            attempts.begun();
            try {
                template.executeInTransaction(operations -> {
                    Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
                    for (ConsumerRecord<String, byte[]> record : attempt) {
                        try {
                            handler.handle(record);
                        } catch (RuntimeException e) {
                            if (!RetryPolicy.parks(e)) {
                                failed[0] = new RecordFailure(record, e);
                                throw e;
                            }
                            parking.accept(record, e);
                        }
                        offsets.put(partition(record), new OffsetAndMetadata(record.offset() + 1));
                    }
                    operations.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    return null;
                });
            } catch (RuntimeException e) {
                attempts.aborted();
                if (failed[0] != null) {
                    // That record's partition waits from its first record in this batch (the records before the
                    // failed one were aborted with it); the rest of the batch is tried again at once.
                    ConsumerRecord<String, byte[]> record = failed[0].record();
                    waiting.add(partition(record));
                    wait(listenerId, consumer, firstOfEachPartition(attempt).get(partition(record)).offset(), record,
                            failed[0].failure());
                    continue;
                }
                // The transaction itself failed: nothing of it is visible, so every partition starts over.
                for (ConsumerRecord<String, byte[]> first : firstOfEachPartition(attempt).values()) {
                    wait(listenerId, consumer, first.offset(), first, e);
                }
                return;
            }
            attempts.committed();
            sizes.computeIfAbsent(listenerId, id -> DistributionSummary.builder(RECORDS_PER_TRANSACTION)
                    .description("Records handled per committed Kafka transaction")
                    .tag("listener", id).publishPercentileHistogram().register(meters)).record(attempt.size());
            for (ConsumerRecord<String, byte[]> record : attempt) {
                waits.wentThrough(record);
            }
            return;
        }
    }

    /**
     * Seeks the failed record's partition back to {@code fromOffset} (nothing of it from there on committed) and
     * pauses the partition for the next backoff.
     */
    private void wait(String listenerId, Consumer<?, ?> consumer, long fromOffset, ConsumerRecord<?, ?> failedRecord,
            Exception failure) {
        TopicPartition partition = partition(failedRecord);
        int attempts = waits.failed(failedRecord, failure);
        Duration backoff = policy.backoff(attempts);
        if (!consumer.assignment().contains(partition)) {
            return; // given up in the meantime: its new owner starts from the committed offset
        }
        consumer.seek(partition, fromOffset);
        MessageListenerContainer container = containers.apply(listenerId);
        if (container == null) {
            log.warn("No container named {} to pause {}; retrying at the next poll", listenerId, partition);
            return;
        }
        pausing.pausePartition(container, partition, backoff);
    }

    private static Map<TopicPartition, ConsumerRecord<String, byte[]>> firstOfEachPartition(
            List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, ConsumerRecord<String, byte[]>> first = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            first.putIfAbsent(partition(record), record);
        }
        return first;
    }

    private static TopicPartition partition(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    private record RecordFailure(ConsumerRecord<String, byte[]> record, RuntimeException failure) {
    }
}
