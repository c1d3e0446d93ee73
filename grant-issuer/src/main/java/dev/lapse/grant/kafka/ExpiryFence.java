package dev.lapse.grant.kafka;

import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.Partitions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Keeps reconciliation from undoing a withdrawal that is under way. A withdrawal changes the target first and
 * records its tombstone in the provisioned-grants state only when its Kafka transaction commits; in between, the
 * grant looks "provisioned but missing" and reconciliation would put it back, for a grant revoked early up to its
 * {@code expiresAt}. So every withdrawal registers here before it touches the target, and reconciliation acts only on
 * grants of the partitions whose expiries this instance consumes (the only instance that can be withdrawing them),
 * and restores a grant only inside {@link #restoreUnlessWithdrawn}, which no registration can interleave with.
 */
final class ExpiryFence {

    /** How long a withdrawal is remembered: far longer than any batch's transaction takes to commit. */
    private static final Duration REMEMBERED = Duration.ofMinutes(10);

    private final Clock clock;
    /** In the order they registered, so forgetting the old ones looks at the oldest only. */
    private final LinkedHashMap<String, Instant> withdrawing = new LinkedHashMap<>();
    private final Set<Integer> ownedPartitions = new HashSet<>();

    ExpiryFence(Clock clock) {
        this.clock = clock;
    }

    /** The expiries listener was assigned partitions (of any topic; only the expiry topic's count). */
    synchronized void assigned(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            if (partition.topic().equals(Topics.ACCESS_EXPIRED.name())) {
                ownedPartitions.add(partition.partition());
            }
        }
    }

    /** The expiries listener gave partitions up. */
    synchronized void revoked(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            if (partition.topic().equals(Topics.ACCESS_EXPIRED.name())) {
                ownedPartitions.remove(partition.partition());
            }
        }
    }

    /** How many partitions of the expiry topic this instance consumes now (a gauge: 0 while it waits to join). */
    synchronized int ownedPartitionCount() {
        return ownedPartitions.size();
    }

    /** A withdrawal of this grant is about to change the target. */
    synchronized void withdrawing(String grantId) {
        Instant now = clock.instant();
        Instant forgotten = now.minus(REMEMBERED);
        for (Iterator<Map.Entry<String, Instant>> oldest = withdrawing.entrySet().iterator(); oldest.hasNext(); ) {
            if (!oldest.next().getValue().isBefore(forgotten)) {
                break;
            }
            oldest.remove();
        }
        withdrawing.remove(grantId);
        withdrawing.put(grantId, now);
    }

    /** How many withdrawals are remembered now. */
    synchronized int remembered() {
        return withdrawing.size();
    }

    /**
     * Whether reconciliation may act on a grant of this request: its expiries are consumed here. A grant whose
     * request is unknown (an object without a readable comment) belongs to no partition and may be dropped anywhere.
     */
    synchronized boolean mayReconcile(@Nullable String requestId) {
        return requestId == null || ownedPartitions.contains(Partitions.of(requestId));
    }

    /**
     * Restores a grant unless a withdrawal of it registered first; a withdrawal that registers later waits for the
     * restore and then takes it away again.
     *
     * @return what the restore returned, or null when it was skipped
     */
    synchronized <T> @Nullable T restoreUnlessWithdrawn(String grantId, Supplier<T> restore) {
        if (withdrawing.containsKey(grantId)) {
            return null;
        }
        return restore.get();
    }
}
