package dev.lapse.bench.kafka;

import dev.lapse.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where a trial's time went, hop by hop: reads the records a chain of topics got during a time window (each keyed by
 * the item's id), and for each pair of consecutive topics the time from one record's timestamp to the next's for the
 * same key. A record's timestamp is when its producer sent it, inside its transaction, so a hop's time is the previous
 * transaction's commit, the consumer seeing it, and the work up to the send. Read after the trial, never during it.
 */
public final class HopTimes {

    private static final Duration READ_CAP = Duration.ofSeconds(20);

    private HopTimes() {
    }

    /** The lifecycle topics of an auto-approved request's path, from the load's write to the grant. */
    public static final List<String> REQUEST_PATH = List.of(Topics.ACCESS_SUBMITTED.name(),
            Topics.ACCESS_REQUESTED.name(), Topics.ACCESS_APPROVED.name(), Topics.ACCESS_GRANTED.name());

    /**
     * The hops' p50, p99 and max in milliseconds as one line, for example
     * {@code "a → b p50 3 / p99 9 / max 14 ms, b → c p50 4 / p99 12 / max 20 ms (1,200 items)"}; topics are named by
     * their last part.
     */
    public static String describe(String bootstrapServers, List<String> topics, long fromEpochMs, long toEpochMs) {
        List<Map<String, Long>> stamps = new ArrayList<>();
        for (String topic : topics) {
            stamps.add(timestamps(bootstrapServers, topic, fromEpochMs, toEpochMs));
        }
        return describe(topics, stamps);
    }

    /** The line {@link #describe(String, List, long, long)} gives for each topic's timestamps by key. */
    static String describe(List<String> topics, List<Map<String, Long>> stamps) {
        List<String> hops = new ArrayList<>();
        int items = 0;
        for (int i = 0; i + 1 < topics.size(); i++) {
            Map<String, Long> next = stamps.get(i + 1);
            long[] deltas = stamps.get(i).entrySet().stream().filter(e -> next.containsKey(e.getKey()))
                    .mapToLong(e -> next.get(e.getKey()) - e.getValue()).sorted().toArray();
            items = Math.max(items, deltas.length);
            hops.add(deltas.length == 0
                    ? String.format(Locale.ROOT, "%s → %s none seen on both", shortName(topics.get(i)),
                            shortName(topics.get(i + 1)))
                    : String.format(Locale.ROOT, "%s → %s p50 %d / p99 %d / max %d ms", shortName(topics.get(i)),
                            shortName(topics.get(i + 1)), percentile(deltas, 0.50), percentile(deltas, 0.99),
                            deltas[deltas.length - 1]));
        }
        return String.join(", ", hops) + String.format(Locale.ROOT, " (%,d %s)", items, items == 1 ? "item" : "items");
    }

    // The first timestamp of each key on a topic between the two moments, read_committed.
    private static Map<String, Long> timestamps(String bootstrapServers, String topic, long fromMs, long toMs) {
        Map<String, Long> stamps = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(ClientSettings.reader(bootstrapServers),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_CAP).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> fromMs)), READ_CAP);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_CAP);
            List<TopicPartition> toRead = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                if (start != null && start.offset() < ends.get(partition)) {
                    consumer.seek(partition, start.offset());
                    toRead.add(partition);
                }
            }
            consumer.assign(toRead);
            long deadline = System.nanoTime() + READ_CAP.toNanos();
            while (!toRead.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && record.timestamp() <= toMs) {
                        stamps.putIfAbsent(record.key(), record.timestamp());
                    }
                }
                // A committed transaction's marker is skipped, so a partition read to its end is at its end offset.
                toRead.removeIf(partition -> consumer.position(partition) >= ends.get(partition));
                consumer.assign(toRead);
            }
        }
        return stamps;
    }

    // The nearest-rank percentile of a non-empty sorted array.
    private static long percentile(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String shortName(String topic) {
        return topic.substring(topic.lastIndexOf('.') + 1);
    }
}
