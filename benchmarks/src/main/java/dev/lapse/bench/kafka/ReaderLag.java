package dev.lapse.bench.kafka;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the readers that trail the grants (the audit sink, request-service's read model) are behind the topics they
 * read, from their groups' committed offsets: the highest sustained rate watches only the grants, and this says what
 * the rest of the ensemble left undone at the end of its window. A partition counts from its committed offset to its
 * last stable offset, so transaction markers count as offsets too. Both readers commit about once a second while
 * records flow (and later once they stop), so a figure taken under load overstates by up to a second of inflow.
 */
public final class ReaderLag implements AutoCloseable {

    /** The audit sink's consumer group (its {@code spring.application.name}). */
    public static final String AUDIT_SINK = "audit-sink";
    /** The read model's groups start so; each start of request-service takes a new one. */
    public static final String READ_MODEL_PREFIX = "request-service-timeline-";

    private final Admin admin;

    public ReaderLag(String bootstrapServers) {
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
    }

    /** Where a reader stood: the sum of its committed offsets and of its partitions' last stable offsets. */
    public record Position(long committed, long end) {

        /** Offsets from what it committed to the end of what it reads. */
        public long behind() {
            return Math.max(0, end - committed);
        }
    }

    /** Where each reader stands now, by the names the report uses ("audit sink", "read model"). */
    public Map<String, Position> positions() {
        Map<String, Position> positions = new TreeMap<>();
        try {
            // Only groups with members: an earlier request-service's read model left its group behind, never to move.
            List<String> groups = admin.listGroups(ListGroupsOptions.forConsumerGroups()
                            .inGroupStates(Set.of(GroupState.STABLE, GroupState.PREPARING_REBALANCE,
                                    GroupState.COMPLETING_REBALANCE)))
                    .all().get(10, TimeUnit.SECONDS).stream().map(GroupListing::groupId).toList();
            for (String group : groups) {
                String reader = group.equals(AUDIT_SINK) ? "audit sink"
                        : group.startsWith(READ_MODEL_PREFIX) ? "read model" : null;
                if (reader != null) {
                    Position position = position(group);
                    positions.merge(reader, position,
                            (a, b) -> new Position(a.committed() + b.committed(), a.end() + b.end()));
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the readers' committed offsets: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the readers' committed offsets", e);
        }
        return positions;
    }

    /**
     * How far each reader was behind at {@code end}, in seconds of what flowed into its topics between {@code start}
     * and {@code end} ({@code seconds} apart), and in offsets: such as {@code audit sink 5.1 s (197,456 offsets)}.
     */
    public static String describe(Map<String, Position> start, Map<String, Position> end, double seconds) {
        return end.entrySet().stream().map(reader -> {
            Position was = start.get(reader.getKey());
            Position now = reader.getValue();
            double inflowPerSecond = was == null || seconds <= 0 ? 0 : (now.end() - was.end()) / seconds;
            String behind = inflowPerSecond <= 0 ? "" : String.format(Locale.ROOT, "%.1f s ",
                    now.behind() / inflowPerSecond);
            return String.format(Locale.ROOT, "%s %s(%,d offsets)", reader.getKey(), behind, now.behind());
        }).collect(Collectors.joining(", "));
    }

    private Position position(String group) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
        long committedSum = 0;
        long endSum = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
            if (entry.getValue() != null && ends.containsKey(entry.getKey())) {
                committedSum += entry.getValue().offset();
                endSum += ends.get(entry.getKey()).offset();
            }
        }
        return new Position(committedSum, endSum);
    }

    @Override
    public void close() {
        admin.close();
    }
}
