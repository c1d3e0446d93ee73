package dev.lapse.schemas.kafka;

import dev.lapse.schemas.Topic;
import dev.lapse.state.RequestSeen;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request ids a service has already acted on, durable in a compacted state topic and cached per partition in a
 * compact {@link ClaimTable}: the state that makes "one request, at most one grant" survive restarts and rebalances.
 * A listener reads it back for the partitions it is assigned (before it sees their records), forgets the ones it gives
 * up, and {@link #remember remembers} an id by writing it in the same Kafka transaction as the effect it guards.
 *
 * <p>Each id is remembered with the record that claimed it ({@code topic-partition@offset}, also in the state
 * record's {@value #SOURCE_HEADER} header). The cache learns a claim before its transaction commits; if that
 * transaction rolls back, the same record is delivered again and is recognised as the claimant, not as a duplicate,
 * while any other record naming the id is one. Thread-safe: a service's partitions are spread over its threads.
 */
public final class SeenRequests {

    private static final Logger log = LoggerFactory.getLogger(SeenRequests.class);

    private final Topic<String, RequestSeen> stateTopic;
    private final Topic<String, ?> guarded;
    private final Supplier<Consumer<String, byte[]>> readers;
    /** Header of a state record naming the record that claimed the id. */
    public static final String SOURCE_HEADER = "lapse.source";

    /** Per partition: request id → the record that claimed it. */
    private final Map<Integer, ClaimTable> byPartition = new ConcurrentHashMap<>();

    /**
     * @param stateTopic the compacted topic holding the ids
     * @param guarded the input topic whose records the ids guard: its partition p is judged by partition p of the state
     * @param readers read_committed consumers without a group, for reading partitions back
     */
    public SeenRequests(Topic<String, RequestSeen> stateTopic, Topic<String, ?> guarded,
            Supplier<Consumer<String, byte[]>> readers) {
        this.stateTopic = stateTopic;
        this.guarded = guarded;
        this.readers = readers;
    }

    /** Ids kept in {@code stateTopic}, read back with consumers configured like the service's own, minus the group. */
    public static SeenRequests of(Topic<String, RequestSeen> stateTopic, Topic<String, ?> guarded,
            Map<String, Object> consumerProperties) {
        Map<String, Object> reader = new HashMap<>(consumerProperties);
        reader.remove(ConsumerConfig.GROUP_ID_CONFIG);
        reader.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new SeenRequests(stateTopic, guarded,
                () -> new KafkaConsumer<>(reader, new StringDeserializer(), new ByteArrayDeserializer()));
    }

    /**
     * A listener was assigned partitions (of any of its topics): reads back the state of those of the guarded topic,
     * before their records are consumed.
     */
    public void assigned(Collection<TopicPartition> partitions) {
        restore(numbers(partitions));
    }

    /** A listener gave up partitions: forgets those of the guarded topic, which another instance reads back. */
    public void revoked(Collection<TopicPartition> partitions) {
        forget(numbers(partitions));
    }

    /**
     * Whether {@code requestId} was claimed by another record than {@code record} (its partition must be owned, hence
     * restored): then acting on it again would be a second effect of one request.
     */
    public boolean claimedByAnother(String requestId, ConsumerRecord<?, ?> record) {
        ClaimTable claims = byPartition.get(Partitions.of(requestId));
        if (claims == null) {
            throw new IllegalStateException("partition " + Partitions.of(requestId) + " of " + stateTopic
                    + " is not restored: is the record's partition owned by this listener?");
        }
        return claims.claimedByAnother(requestId, record.topic(), record.partition(), record.offset());
    }

    /**
     * Claims {@code requestId} for {@code record} and returns the state record that makes the claim durable: send
     * it in the same Kafka transaction as the effect the claim guards.
     */
    public ProducerRecord<String, Object> remember(String requestId, ConsumerRecord<?, ?> record, String eventId,
            Instant at) {
        int partition = Partitions.of(requestId);
        String source = source(record);
        ClaimTable claims = byPartition.get(partition);
        if (claims != null) {
            claims.put(requestId, record.topic(), record.partition(), record.offset());
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(stateTopic.name(), partition, requestId,
                RequestSeen.newBuilder().setRequestId(requestId).setEventId(eventId).setSeenAt(at).build(), headers);
    }

    private static String source(ConsumerRecord<?, ?> record) {
        return ClaimTable.source(record.topic(), record.partition(), record.offset());
    }

    private void restore(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        List<TopicPartition> parts = partitions.stream().distinct()
                .map(p -> new TopicPartition(stateTopic.name(), p)).toList();
        Map<Integer, ClaimTable> restored = new ConcurrentHashMap<>();
        parts.forEach(tp -> restored.put(tp.partition(), new ClaimTable(guarded.name())));
        long startNs = System.nanoTime();
        int records;
        try (Consumer<String, byte[]> reader = readers.get()) {
            records = StateTopicScan.readToEnd(reader, parts, record -> {
                if (record.value() == null) {
                    restored.get(record.partition()).remove(record.key());
                } else {
                    Header source = record.headers().lastHeader(SOURCE_HEADER);
                    // Without its source, a claim is nobody's to repeat: every record naming the id is refused.
                    restored.get(record.partition()).putSource(record.key(), source == null
                            ? ClaimTable.UNKNOWN_SOURCE : new String(source.value(), StandardCharsets.UTF_8));
                }
            });
        }
        byPartition.putAll(restored);
        log.info("Read back {} of partitions {}: {} request ids from {} records in {} ms", stateTopic,
                restored.keySet(), restored.values().stream().mapToInt(ClaimTable::size).sum(), records,
                (System.nanoTime() - startNs) / 1_000_000);
    }

    private void forget(Collection<Integer> partitions) {
        partitions.forEach(byPartition::remove);
    }

    /** The partition numbers of the guarded topic: not every topic the listener's class happens to listen to. */
    private Set<Integer> numbers(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new HashSet<>();
        partitions.stream().filter(tp -> tp.topic().equals(guarded.name())).forEach(tp -> numbers.add(tp.partition()));
        return numbers;
    }
}
