package dev.lapse.policy.kafka;

import dev.lapse.policy.pending.Decided;
import dev.lapse.policy.pending.PendingApprovals;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.kafka.Partitions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Denies the pending requests whose deadline has passed, in one transaction per sweep: each {@code AccessDenied}
 * ("no decision within ...") with the tombstone of its state.
 *
 * <p><b>Never two decisions for one request.</b> A sweep runs on the decision listener's consumer thread (after a
 * poll batch, or when the container is idle), the only thread that decides the requests of its partitions, so a
 * vote and a time-out are never weighed at the same time; whichever comes first decides and removes the request,
 * and the other finds it no longer pending. A vote handled after the deadline but before a sweep is refused and
 * times the request out itself. The sweep's transaction also commits the consumer's current position of each swept
 * partition with the group's metadata, so an instance that lost the partition to a rebalance (a zombie: paused past
 * its session, still believing it owns the partition) is fenced by the group coordinator and its time-outs abort,
 * as its vote decisions would.
 *
 * <p>After a restart or a rebalance, the first sweep reads back every assigned partition's state, so requests that
 * fell due while nobody owned them are denied within one idle interval of the start.
 */
final class TimeoutSweep {

    private static final Logger log = LoggerFactory.getLogger(TimeoutSweep.class);

    private final PendingState state;
    private final DecisionPublisher publisher;
    private final KafkaTemplate<String, Object> kafka;
    private final Clock clock;
    private final Duration interval;
    private boolean failing;

    TimeoutSweep(PendingState state, DecisionPublisher publisher, KafkaTemplate<String, Object> kafka, Clock clock,
            Duration interval) {
        this.state = state;
        this.publisher = publisher;
        this.kafka = kafka;
        this.clock = clock;
        this.interval = interval;
    }

    /** After a poll batch: sweeps only if a deadline has passed, or an assigned partition's state is still unread. */
    void afterBatch(Consumer<?, ?> consumer) {
        Optional<Instant> next = state.table().nextDeadline();
        if (state.incomplete() || next.isPresent() && !clock.instant().isBefore(next.get())) {
            sweep(consumer);
        }
    }

    /** Reads back what is still unread, then times out every request past its deadline. Never throws. */
    void sweep(Consumer<?, ?> consumer) {
        PendingApprovals table = state.table();
        try {
            state.restoreAssigned();
            Instant now = clock.instant();
            List<Decided.TimedOut> timedOut = table.timeOut(now);
            if (!timedOut.isEmpty()) {
                kafka.executeInTransaction(operations -> {
                    timedOut.forEach(decided -> publisher.decided(decided, now));
                    Map<TopicPartition, OffsetAndMetadata> positions = positions(consumer, timedOut);
                    if (!positions.isEmpty()) {
                        operations.sendOffsetsToTransaction(positions, consumer.groupMetadata());
                    }
                    return null;
                });
                table.commit();
                timedOut.forEach(decided -> log.info("Request {} of {} timed out: {} (rules {}, deadline {})",
                        decided.request().requestId(), decided.request().asked().requesterId(), decided.reason(),
                        DecisionPublisher.policy(decided.request().rules()), decided.request().decideBy()));
            }
            if (failing) {
                failing = false;
                log.info("Timing out pending requests works again");
            }
        } catch (RuntimeException e) {
            table.abort();
            if (!failing) {
                failing = true;
                log.warn("Timing out pending requests waits: {}; trying again every {}", DeadLetterRouting.reason(e),
                        interval);
                log.debug("time-out sweep failure", e);
            }
        }
    }

    /** The consumer's position on the requests topic for each swept partition: what is committed already. */
    private static Map<TopicPartition, OffsetAndMetadata> positions(Consumer<?, ?> consumer,
            List<Decided.TimedOut> timedOut) {
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        for (Decided.TimedOut decided : timedOut) {
            TopicPartition partition = new TopicPartition(Topics.ACCESS_REQUESTED.name(),
                    Partitions.of(decided.request().requestId()));
            if (!positions.containsKey(partition) && consumer.assignment().contains(partition)) {
                positions.put(partition, new OffsetAndMetadata(consumer.position(partition)));
            }
        }
        return positions;
    }
}
