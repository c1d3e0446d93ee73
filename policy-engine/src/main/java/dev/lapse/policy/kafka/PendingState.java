package dev.lapse.policy.kafka;

import dev.lapse.policy.pending.PendingApprovals;
import dev.lapse.policy.pending.PendingRequest;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.RejectedRecordException;
import dev.lapse.schemas.kafka.StateTopicScan;
import dev.lapse.state.PendingApproval;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pending requests of the partitions the decision listener's consumer owns, read back from
 * {@link Topics#PENDING_APPROVALS_STATE} on first use of each assigned partition and forgotten when the partition is
 * revoked. Reading back on first use rather than inside the rebalance means a registry or broker that is down then
 * makes the partition's records wait and retry (like any other failure of theirs), never leaves a partition owned
 * without its state. One owner thread: the listener's consumer thread.
 */
final class PendingState {

    private static final Logger log = LoggerFactory.getLogger(PendingState.class);
    private static final Set<String> INPUTS = Set.of(Topics.ACCESS_REQUESTED.name(), Topics.APPROVAL_VOTES.name());

    private final PendingApprovals table;
    private final Supplier<Consumer<String, byte[]>> readers;
    private final EventDecoder decoder;
    /** Partition numbers assigned to the consumer; those not in the table yet are still to be read back. */
    private final Set<Integer> assigned = new TreeSet<>();

    PendingState(PendingApprovals table, Supplier<Consumer<String, byte[]>> readers, EventDecoder decoder) {
        this.table = table;
        this.readers = readers;
        this.decoder = decoder;
    }

    PendingApprovals table() {
        return table;
    }

    /** The consumer was assigned partitions (of either input): their state is read back when first needed. */
    void assigned(Collection<TopicPartition> partitions) {
        assigned.addAll(numbers(partitions));
    }

    /** The consumer gave partitions up: their pending requests are forgotten here; their next owner reads them. */
    void revoked(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = numbers(partitions);
        assigned.removeAll(numbers);
        numbers.retainAll(table.partitions());
        if (!numbers.isEmpty()) {
            int before = table.size();
            table.forget(numbers);
            log.info("Gave up partitions {}: {} pending requests handed over", numbers, before - table.size());
        }
    }

    /** Whether some assigned partition's state is still to be read back. */
    boolean incomplete() {
        return !table.partitions().containsAll(assigned);
    }

    /**
     * Reads back the state of {@code partition} unless it is read already (with every other assigned partition not
     * read yet: none of them can have a change staged, since nothing of theirs was handled).
     *
     * @throws IllegalStateException if the partition is not assigned to the consumer
     * @throws RuntimeException from the broker or the registry: the caller waits and tries again
     */
    void ensureRestored(int partition) {
        if (table.owns(partition)) {
            return;
        }
        if (!assigned.contains(partition)) {
            throw new IllegalStateException("partition " + partition + " of " + INPUTS + " is not assigned here");
        }
        restoreAssigned(); // one read for all of them: each read waits for the end of its partitions once
    }

    /** Reads back every assigned partition not read yet. */
    void restoreAssigned() {
        List<Integer> missing = assigned.stream().filter(partition -> !table.owns(partition)).toList();
        if (!missing.isEmpty()) {
            restore(missing);
        }
    }

    private void restore(List<Integer> partitions) {
        long startNs = System.nanoTime();
        List<TopicPartition> parts = partitions.stream()
                .map(p -> new TopicPartition(Topics.PENDING_APPROVALS_STATE.name(), p)).toList();
        Map<Integer, Map<String, PendingApproval>> read = new LinkedHashMap<>();
        partitions.forEach(p -> read.put(p, new LinkedHashMap<>()));
        int records;
        try (Consumer<String, byte[]> reader = readers.get()) {
            records = StateTopicScan.readToEnd(reader, parts, record -> {
                Map<String, PendingApproval> partition = read.get(record.partition());
                if (record.value() == null) {
                    partition.remove(record.key());
                    return;
                }
                try {
                    partition.put(record.key(), decoder.decode(record, PendingApproval.class));
                } catch (RejectedRecordException unreadable) {
                    // Not a state this service wrote; the request it stood for can no longer be decided here.
                    partition.remove(record.key());
                    log.error("Pending state {}-{}@{} of request {} cannot be read and is skipped: {}",
                            record.topic(), record.partition(), record.offset(), record.key(),
                            unreadable.getMessage());
                }
            });
        }
        int pending = 0;
        for (Map.Entry<Integer, Map<String, PendingApproval>> partition : read.entrySet()) {
            List<PendingRequest> requests = new ArrayList<>();
            for (PendingApproval state : partition.getValue().values()) {
                try {
                    requests.add(StateRecords.pending(state));
                } catch (RuntimeException invalid) {
                    log.error("Pending state of request {} is not one this service writes and is skipped: {}",
                            state.getRequestId(), invalid.getMessage());
                }
            }
            table.restore(partition.getKey(), requests);
            pending += requests.size();
        }
        log.info("Read back the pending requests of partitions {}: {} from {} state records in {} ms", partitions,
                pending, records, (System.nanoTime() - startNs) / 1_000_000);
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new HashSet<>();
        partitions.stream().filter(tp -> INPUTS.contains(tp.topic())).forEach(tp -> numbers.add(tp.partition()));
        return numbers;
    }
}
