package dev.lapse.schemas.kafka;

import dev.lapse.schemas.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-drives the parked records of a topic after a fix: every record of {@code <topic>.dlt} that no earlier re-drive
 * took is published again to {@code <topic>}, on the partition it was parked from, with the same key and value
 * bytes, its own headers without the dead-letter ones, and {@value #FROM_HEADER} naming where it was parked. Each
 * parked record is re-driven at most once: the dead-letter topic is read by the consumer group
 * {@code <group>-redrive}, whose offsets are committed in the same Kafka transaction as the re-published records.
 * A re-driven record that fails again is parked again, as a new dead-letter record.
 *
 * <p>One re-drive runs at a time per instance; a re-drive running on another instance at the same moment splits the
 * partitions with it (the group rebalances) and a stale member's commit is refused, so nothing is re-driven twice.
 */
public final class DeadLetterRedrive {

    /** Header on a re-driven record: the dead-letter record it came from, as {@code topic-partition@offset}. */
    public static final String FROM_HEADER = "lapse.redriven.from";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRedrive.class);
    private static final Duration ASSIGNMENT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;

    /**
     * @param consumerProperties the service's consumer settings (bootstrap servers, security)
     * @param producerProperties the service's producer settings
     * @param groupId the service's consumer group; re-drives read as {@code <groupId>-redrive}
     * @param transactionalId this instance's re-drive transactional id, stable across restarts
     */
    public DeadLetterRedrive(Map<String, Object> consumerProperties, Map<String, Object> producerProperties,
            String groupId, String transactionalId) {
        consumerConfig = new HashMap<>(consumerProperties);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, groupId + "-redrive");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        producerConfig = new HashMap<>(producerProperties);
        producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    }

    /** The outcome of one re-drive. */
    public record Result(String topic, String deadLetterTopic, int redriven) {
    }

    /**
     * Re-drives every record parked in {@code topic}'s dead-letter topic up to now that no earlier re-drive took.
     *
     * @throws KafkaException if Kafka cannot be reached or the transaction fails; nothing of the failed transaction
     *     is visible, and the records it held are re-driven by the next call
     */
    public synchronized Result redrive(Topic<?, ?> topic) {
        String deadLetters = topic.deadLetterName();
        int redriven = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig,
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            // Fences an earlier re-drive of this instance that crashed mid-transaction.
            producer.initTransactions();
            consumer.subscribe(List.of(deadLetters));
            Set<TopicPartition> assigned = awaitAssignment(consumer, deadLetters);
            // Up to what is parked now; records parked while this runs wait for the next re-drive.
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("re-drive of " + deadLetters + " did not reach the end offsets " + ends
                            + " within " + READ_TIMEOUT.toSeconds() + " s; " + redriven + " record(s) re-driven");
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                producer.beginTransaction();
                try {
                    for (ConsumerRecord<byte[], byte[]> parked : records) {
                        TopicPartition partition = new TopicPartition(parked.topic(), parked.partition());
                        Long end = ends.get(partition);
                        if (end == null || parked.offset() >= end) {
                            continue;
                        }
                        producer.send(new ProducerRecord<>(topic.name(), parked.partition(), parked.key(),
                                parked.value(), headersOf(parked)));
                        next.put(partition, new OffsetAndMetadata(parked.offset() + 1));
                        redriven++;
                    }
                    producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
                    producer.commitTransaction();
                } catch (KafkaException e) {
                    producer.abortTransaction();
                    throw e;
                }
            }
        }
        log.info("Re-drove {} parked record(s) from {} to {}", redriven, deadLetters, topic.name());
        return new Result(topic.name(), deadLetters, redriven);
    }

    private static Set<TopicPartition> awaitAssignment(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        long deadline = System.nanoTime() + ASSIGNMENT_TIMEOUT.toNanos();
        while (consumer.assignment().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no partition of " + topic + " was assigned within "
                        + ASSIGNMENT_TIMEOUT.toSeconds() + " s");
            }
            // Joining the group happens inside poll; records it returns are read again from the committed offsets.
            if (!consumer.poll(Duration.ofMillis(100)).isEmpty()) {
                consumer.assignment().forEach(partition -> consumer.seek(partition,
                        committedOrBeginning(consumer, partition)));
            }
        }
        return Set.copyOf(consumer.assignment());
    }

    private static long committedOrBeginning(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition) {
        OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
        return committed != null ? committed.offset()
                : consumer.beginningOffsets(Set.of(partition)).get(partition);
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static RecordHeaders headersOf(ConsumerRecord<byte[], byte[]> parked) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : parked.headers()) {
            // The dead-letter headers describe the parking, which this re-drive undoes.
            if (!header.key().startsWith("kafka_dlt-") && !header.key().startsWith("lapse.dlt.")
                    && !header.key().equals(FROM_HEADER)) {
                headers.add(header);
            }
        }
        headers.add(new RecordHeader(FROM_HEADER, (parked.topic() + "-" + parked.partition() + "@" + parked.offset())
                .getBytes(StandardCharsets.UTF_8)));
        return headers;
    }
}
