package dev.lapse.request.notify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Puts the records of one request back in the order they were written. A request's events travel on several
 * topics, all keyed by request id with the same partition count, so they meet in partitions of the same number
 * (a "group"); the consumer fetches those partitions independently, and while it catches up it may hand out a
 * grant before the approval that caused it. So records are released per group in record-timestamp order, and a
 * record is released only when every other partition of its group either has a later record waiting or has
 * nothing more to read (no lag). A partition whose lag is unknown holds its group back for at most
 * {@code maxWaitMs}, so one silent partition never stops the others for long.
 *
 * <p>Example: partition 2 of {@code approved} holds a record at t=100 and partition 2 of {@code granted} one at
 * t=105. Granted alone has been fetched: it waits until approved's record arrives (then approved goes first) or
 * approved shows no lag (then granted goes), or {@code maxWaitMs} passes.
 *
 * <p>Record timestamps are set by the writing producers; causally ordered events are written a Kafka transaction
 * apart, which is far longer than the clock skew between well-run hosts. Not thread-safe: one owner.
 */
final class ArrivalOrder<T> {

    private final long maxWaitMs;
    private final Map<Source, ArrayDeque<Waiting<T>>> queues = new HashMap<>();
    private long sequence;
    private int size;

    private record Waiting<T>(long timestampMs, long arrivedMs, long sequence, T item) {
    }

    ArrivalOrder(long maxWaitMs) {
        if (maxWaitMs < 0) {
            throw new IllegalArgumentException("maxWaitMs must not be negative, got " + maxWaitMs);
        }
        this.maxWaitMs = maxWaitMs;
    }

    /** A record of {@code source}, written at {@code timestampMs}, consumed at {@code nowMs}; offsets ascending. */
    void add(Source source, long timestampMs, long nowMs, T item) {
        queues.computeIfAbsent(source, s -> new ArrayDeque<>()).add(new Waiting<>(timestampMs, nowMs, sequence++,
                item));
        size++;
    }

    /**
     * The records that may go now, in order.
     *
     * @param caughtUp whether a partition has nothing more to read right now
     * @param assigned every partition the consumer owns, so an empty one of a group is known to exist
     */
    List<T> release(long nowMs, Predicate<Source> caughtUp, Collection<Source> assigned) {
        Map<Integer, Set<Source>> groups = new HashMap<>();
        for (Source source : assigned) {
            groups.computeIfAbsent(source.partition(), p -> new HashSet<>()).add(source);
        }
        queues.forEach((source, queue) -> {
            if (!queue.isEmpty()) {
                groups.computeIfAbsent(source.partition(), p -> new HashSet<>()).add(source);
            }
        });
        List<T> released = new ArrayList<>();
        for (Set<Source> group : groups.values()) {
            releaseGroup(group, nowMs, caughtUp, released);
        }
        return released;
    }

    /** When the oldest waiting record may go whatever its group's lag says; empty when nothing waits. */
    OptionalLong nextDeadlineMs() {
        long earliest = Long.MAX_VALUE;
        for (ArrayDeque<Waiting<T>> queue : queues.values()) {
            if (!queue.isEmpty()) {
                earliest = Math.min(earliest, queue.peek().arrivedMs() + maxWaitMs);
            }
        }
        return earliest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(earliest);
    }

    int size() {
        return size;
    }

    void clear() {
        queues.clear();
        size = 0;
    }

    private void releaseGroup(Set<Source> group, long nowMs, Predicate<Source> caughtUp, List<T> released) {
        while (true) {
            Source first = null;
            Waiting<T> head = null;
            for (Source source : group) {
                ArrayDeque<Waiting<T>> queue = queues.get(source);
                Waiting<T> candidate = queue == null ? null : queue.peek();
                if (candidate != null && (head == null || candidate.timestampMs() < head.timestampMs()
                        || (candidate.timestampMs() == head.timestampMs() && candidate.sequence() < head.sequence()))) {
                    first = source;
                    head = candidate;
                }
            }
            if (head == null) {
                return;
            }
            if (nowMs < head.arrivedMs() + maxWaitMs && anotherMayBeEarlier(group, first, caughtUp)) {
                return;
            }
            queues.get(first).poll();
            size--;
            released.add(head.item());
        }
    }

    /** Whether a partition of the group, other than {@code first}, may still deliver an earlier record. */
    private boolean anotherMayBeEarlier(Set<Source> group, Source first, Predicate<Source> caughtUp) {
        for (Source source : group) {
            if (!source.equals(first)) {
                ArrayDeque<Waiting<T>> queue = queues.get(source);
                if ((queue == null || queue.isEmpty()) && !caughtUp.test(source)) {
                    return true;
                }
            }
        }
        return false;
    }
}
