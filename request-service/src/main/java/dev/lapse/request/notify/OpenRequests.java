package dev.lapse.request.notify;

import dev.lapse.request.notify.LifecycleEvent.Subject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Who asked for what, per request still open: pending, denied and expired events do not say it, so the notifier
 * remembers it from the request (and from its approval and grant) until the request is closed (denied or expired)
 * or its retention passes. The record it was learned from stays held in the {@link CommitLedger} meanwhile, so a
 * restart reads it again. Every retention is bounded (the notifier counts it from the request, its pending
 * deadline or its grant's expiry), so a request whose closing event a restart does not read again is forgotten in
 * bounded time. Costs: O(log n) per request opened, extended and closed. Not thread-safe.
 */
final class OpenRequests {

    private final Map<String, Open> byRequest = new HashMap<>();
    private final TreeMap<Retention, Open> byRetention = new TreeMap<>();
    private long sequence;

    private static final class Open {
        final String requestId;
        Subject subject;
        final CommitLedger.@Nullable Hold hold;
        Retention retention;

        Open(String requestId, Subject subject, CommitLedger.@Nullable Hold hold, Retention retention) {
            this.requestId = requestId;
            this.subject = subject;
            this.hold = hold;
            this.retention = retention;
        }
    }

    private record Retention(long untilMs, long sequence) implements Comparable<Retention> {
        @Override
        public int compareTo(Retention other) {
            int byTime = Long.compare(untilMs, other.untilMs);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    /**
     * The request was read: remember its subject until {@code untilMs}, holding its record. Returns the hold of
     * the same request read before (a redelivery), for the caller to release.
     */
    CommitLedger.@Nullable Hold opened(String requestId, Subject subject, CommitLedger.Hold hold, long untilMs) {
        CommitLedger.Hold before = closed(requestId);
        put(requestId, subject, hold, untilMs);
        return before;
    }

    /** Keeps the request open until {@code untilMs} at least, if it is open. */
    void extend(String requestId, long untilMs) {
        Open open = byRequest.get(requestId);
        if (open != null && open.retention.untilMs() < untilMs) {
            byRetention.remove(open.retention);
            open.retention = new Retention(untilMs, sequence++);
            byRetention.put(open.retention, open);
        }
    }

    /** An approval repeats the subject: learn it, if the request's own record was not seen. */
    void learned(String requestId, Subject subject, long untilMs) {
        Open open = byRequest.get(requestId);
        if (open != null) {
            open.subject = subject;
        } else {
            put(requestId, subject, null, untilMs);
        }
    }

    @Nullable Subject subject(String requestId) {
        Open open = byRequest.get(requestId);
        return open == null ? null : open.subject;
    }

    /** The request is decided for good (denied, or its grant ended): forget it; returns its hold to release. */
    CommitLedger.@Nullable Hold closed(String requestId) {
        Open open = byRequest.remove(requestId);
        if (open == null) {
            return null;
        }
        byRetention.remove(open.retention);
        return open.hold;
    }

    /** Forgets requests open past their retention; returns their holds to release. */
    List<CommitLedger.Hold> expire(long nowMs) {
        List<CommitLedger.Hold> released = new ArrayList<>();
        Iterator<Open> opens = byRetention.values().iterator();
        while (opens.hasNext()) {
            Open open = opens.next();
            if (open.retention.untilMs() > nowMs) {
                break;
            }
            opens.remove();
            byRequest.remove(open.requestId);
            if (open.hold != null) {
                released.add(open.hold);
            }
        }
        return released;
    }

    int size() {
        return byRequest.size();
    }

    void clear() {
        byRequest.clear();
        byRetention.clear();
    }

    private void put(String requestId, Subject subject, CommitLedger.@Nullable Hold hold, long untilMs) {
        Open open = new Open(requestId, subject, hold, new Retention(untilMs, sequence++));
        byRequest.put(requestId, open);
        byRetention.put(open.retention, open);
    }
}
