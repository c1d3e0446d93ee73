package dev.lapse.schemas.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads partitions of a compacted state topic from their beginning up to what is committed now, the way every
 * service rebuilds its durable state: with a {@code read_committed} reader the end offsets are the last stable
 * offsets, so the scan sees exactly the committed state and no open transaction.
 */
public final class StateTopicScan {

    private StateTopicScan() {
    }

    /** What to do with one keyed state record. */
    @FunctionalInterface
    public interface RecordAction {

        /** Takes one record; its value is null for a tombstone. */
        void accept(ConsumerRecord<String, byte[]> record);
    }

    /**
     * Hands each keyed record of {@code partitions} to {@code each}, in offset order per partition (a tombstone has a
     * null value); records without a key are skipped.
     *
     * @param reader a {@code read_committed} consumer with no assignment, which the scan assigns
     * @return how many records were read, keyless ones included
     */
    public static int readToEnd(Consumer<String, byte[]> reader, Collection<TopicPartition> partitions,
            RecordAction each) {
        List<TopicPartition> parts = List.copyOf(partitions);
        reader.assign(parts);
        reader.seekToBeginning(parts);
        Map<TopicPartition, Long> ends = reader.endOffsets(parts);
        int records = 0;
        while (parts.stream().anyMatch(tp -> reader.position(tp) < ends.get(tp))) {
            for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(100))) {
                records++;
                if (record.key() != null) {
                    each.accept(record);
                }
            }
        }
        return records;
    }
}
