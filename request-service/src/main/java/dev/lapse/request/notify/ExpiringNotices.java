package dev.lapse.request.notify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;

/**
 * The "expires soon" notices not yet finished, by due time. No event announces them: each is derived from its
 * grant and falls due a lead before the grant's expiry. A grant that ends first (revoked, superseded) cancels its
 * notice; the cancellation is remembered until the grant's original expiry, so a notice rebuilt from a replayed
 * grant (after a restart) is cancelled too, whichever of the two records is read first.
 *
 * <p>Besides the schedule it keeps, per partition, the due times of every notice not finished (scheduled, or fired
 * and not yet delivered): {@link #doneThrough} says up to which due time every notice known has finished, which
 * the commit records so a restart rebuilds only the notices that may still be owed.
 *
 * <p>Costs: O(log n) to schedule, cancel and finish; {@link #due} is O(k log n) for k notices due. Not thread-safe.
 */
final class ExpiringNotices {

    private final TreeMap<Key, Notice> schedule = new TreeMap<>();
    private final Map<String, Notice> scheduledByRequest = new HashMap<>();
    private final Map<String, Long> cancelledUntilMs = new HashMap<>();
    private final PriorityQueue<Cancellation> cancellations = new PriorityQueue<>();
    private final Map<Source, TreeMap<Long, Integer>> unfinishedDue = new HashMap<>();
    private long sequence;

    /** One notice: the notification, where its grant was read, when it falls due, and the hold on that record. */
    static final class Notice {

        final Notification notification;
        final Source source;
        final long dueMs;
        final long expiresAtMs;
        final CommitLedger.Hold hold;
        private @Nullable Key key;
        private @Nullable TreeMap<Long, Integer> unfinished;
        private boolean finished;

        Notice(Notification notification, Source source, long dueMs, long expiresAtMs, CommitLedger.Hold hold) {
            this.notification = notification;
            this.source = source;
            this.dueMs = dueMs;
            this.expiresAtMs = expiresAtMs;
            this.hold = hold;
        }
    }

    private record Key(long dueMs, long sequence) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byDue = Long.compare(dueMs, other.dueMs);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }

    private record Cancellation(long untilMs, String requestId) implements Comparable<Cancellation> {
        @Override
        public int compareTo(Cancellation other) {
            return Long.compare(untilMs, other.untilMs);
        }
    }

    /**
     * Schedules {@code notice}; returns false (and schedules nothing) when its grant has been cancelled or a notice
     * for the request is already scheduled.
     */
    boolean schedule(Notice notice) {
        String requestId = notice.notification.requestId();
        if (cancelledUntilMs.containsKey(requestId) || scheduledByRequest.containsKey(requestId)) {
            return false;
        }
        notice.key = new Key(notice.dueMs, sequence++);
        schedule.put(notice.key, notice);
        scheduledByRequest.put(requestId, notice);
        notice.unfinished = unfinishedDue.computeIfAbsent(notice.source, s -> new TreeMap<>());
        notice.unfinished.merge(notice.dueMs, 1, Integer::sum);
        return true;
    }

    /**
     * The grant of {@code requestId} has ended, and was due to end at {@code expiresAtMs}: its notice, if scheduled
     * and not yet fired, is removed and returned (the caller finishes it); any notice scheduled later for it, until
     * {@code expiresAtMs}, is refused.
     */
    List<Notice> cancel(String requestId, long expiresAtMs, long nowMs) {
        if (expiresAtMs > nowMs) {
            cancelledUntilMs.merge(requestId, expiresAtMs, Math::max);
            cancellations.add(new Cancellation(expiresAtMs, requestId));
        }
        Notice notice = scheduledByRequest.remove(requestId);
        if (notice == null) {
            return List.of();
        }
        schedule.remove(notice.key);
        return List.of(notice);
    }

    /**
     * Removes and returns the notices due at {@code nowMs} whose group is ready (read up to date after a
     * rebalance, so that a cancellation read back is known before its notice fires).
     */
    List<Notice> due(long nowMs, IntPredicate groupReady) {
        List<Notice> due = new ArrayList<>();
        Iterator<Notice> notices = schedule.values().iterator();
        while (notices.hasNext()) {
            Notice notice = notices.next();
            if (notice.dueMs > nowMs) {
                break;
            }
            if (groupReady.test(notice.source.partition())) {
                notices.remove();
                scheduledByRequest.remove(notice.notification.requestId());
                due.add(notice);
            }
        }
        return due;
    }

    /** The notice was delivered, given up, skipped or cancelled. */
    void finished(Notice notice) {
        if (notice.finished) {
            return;
        }
        notice.finished = true;
        // Counted where it was scheduled: after a clear(), that map is no longer read.
        if (notice.unfinished != null) {
            notice.unfinished.computeIfPresent(notice.dueMs, (due, count) -> count == 1 ? null : count - 1);
        }
    }

    /**
     * Every notice of {@code source} known so far that falls due at or before the returned instant (epoch ms) has
     * finished; {@link Long#MAX_VALUE} when none is unfinished.
     */
    long doneThrough(Source source) {
        TreeMap<Long, Integer> dues = unfinishedDue.get(source);
        return dues == null || dues.isEmpty() ? Long.MAX_VALUE : dues.firstKey() - 1;
    }

    /** When the next notice of a ready group falls due; empty when none is scheduled. */
    OptionalLong nextDueMs(IntPredicate groupReady) {
        for (Notice notice : schedule.values()) {
            if (groupReady.test(notice.source.partition())) {
                return OptionalLong.of(notice.dueMs);
            }
        }
        return OptionalLong.empty();
    }

    /** Forgets cancellations whose grants have passed their expiry: a notice for them is never sent anyway. */
    void forgetCancellations(long nowMs) {
        while (!cancellations.isEmpty() && cancellations.peek().untilMs() <= nowMs) {
            Cancellation cancellation = cancellations.poll();
            cancelledUntilMs.computeIfPresent(cancellation.requestId(), (id, until) -> until <= nowMs ? null : until);
        }
    }

    int scheduled() {
        return schedule.size();
    }

    void clear() {
        schedule.clear();
        scheduledByRequest.clear();
        cancelledUntilMs.clear();
        cancellations.clear();
        unfinishedDue.clear();
    }
}
