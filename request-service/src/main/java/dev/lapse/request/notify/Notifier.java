package dev.lapse.request.notify;

import dev.lapse.request.notify.LifecycleEvent.Approved;
import dev.lapse.request.notify.LifecycleEvent.Denied;
import dev.lapse.request.notify.LifecycleEvent.Expired;
import dev.lapse.request.notify.LifecycleEvent.Granted;
import dev.lapse.request.notify.LifecycleEvent.Pending;
import dev.lapse.request.notify.LifecycleEvent.Requested;
import dev.lapse.request.notify.LifecycleEvent.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns consumed lifecycle events into webhook deliveries, and says which offsets may be committed. The edge feeds
 * it records and receivers' answers and asks it what to send and what to commit; it never reads a clock, sends or
 * logs.
 *
 * <p><b>At least once.</b> A record's offset is committed only once everything it caused has finished: its own
 * notification delivered or given up at every webhook that wants it, and, for a grant, its "expires soon" notice
 * too (see {@link CommitLedger}). So a crash loses nothing: a restart reads again from the oldest record still
 * needed. Deliveries made before a crash may be made again; receivers drop copies by the notification's id.
 *
 * <p><b>Restart without a flood.</b> Holding a grant's offset until its notice is due would make a restart notify
 * again everything read since that grant. So each commit also records, in the offset's metadata
 * ({@link Restored}), up to which offset every record's own notification has finished ("delivered through") and up
 * to which due time every known "expires soon" notice has ("expiring done through"). Records below the first mark
 * are read again only to rebuild state: who asked for what, the notices still owed (due after the second mark, for
 * grants that have not expired yet), and the cancellations of revoked grants, whose records stay held until the
 * grant's original expiry so that a rebuilt notice is cancelled again. Expiring notices of a partition group do not
 * fire before the group has been read up to date, so a cancellation read back is always known first.
 *
 * <p><b>Order.</b> A request's events are released in the order they were written ({@link ArrivalOrder}), and each
 * receiver gets one request's notifications one at a time, in that order ({@link DeliveryLanes}); a grant's "expires
 * soon" notice comes after its grant and before its expiry.
 *
 * <p>Not thread-safe: the edge calls it under one lock. Rebalances are eager (the range assignor): every
 * assignment starts afresh from the committed offsets, and answers to attempts made before it are ignored.
 */
public final class Notifier {

    private static final Pattern METADATA = Pattern.compile("through=(\\d+);expiring-done=(-?\\d+)");

    private final Options options;
    private final List<Webhook> webhooks;
    private final DeliveryLanes lanes;
    private final CommitLedger ledger = new CommitLedger();
    private final ArrivalOrder<Arrival> order;
    private final OpenRequests open = new OpenRequests();
    private final ExpiringNotices expiring = new ExpiringNotices();
    private final PriorityQueue<TimedHold> timedHolds = new PriorityQueue<>();
    private final Set<Source> assigned = new HashSet<>();
    private final Map<Source, Restored> restored = new HashMap<>();
    private final Set<Source> caughtUpNow = new HashSet<>();
    private final Set<Source> caughtUpOnce = new HashSet<>();
    private long timedSequence;

    /**
     * Settings of the notifier.
     *
     * @param expiringLead how long before a grant's expiry its "expires soon" notice falls due
     * @param backoff waits between attempts, and how many attempts a delivery gets
     * @param maxInFlightPerWebhook how many requests to one webhook may be open at once
     * @param openRequestRetention how long who-asked-for-what is kept for a request not yet closed, counted from
     *     the request, from its pending deadline, or from its grant's expiry
     * @param orderWait how long a record may wait for another partition of its group that may hold an earlier one
     */
    public record Options(Duration expiringLead, Backoff backoff, int maxInFlightPerWebhook,
            Duration openRequestRetention, Duration orderWait) {

        public Options {
            if (expiringLead.isNegative()) {
                throw new IllegalArgumentException("expiringLead must not be negative, got " + expiringLead);
            }
            if (maxInFlightPerWebhook < 1) {
                throw new IllegalArgumentException("maxInFlightPerWebhook must be at least 1, got "
                        + maxInFlightPerWebhook);
            }
            if (openRequestRetention.isNegative() || openRequestRetention.isZero()) {
                throw new IllegalArgumentException("openRequestRetention must be positive, got "
                        + openRequestRetention);
            }
            if (orderWait.isNegative()) {
                throw new IllegalArgumentException("orderWait must not be negative, got " + orderWait);
            }
        }
    }

    /**
     * What a commit of one partition recorded beside its offset (see the class comment).
     *
     * @param deliveredThrough every record below this offset had its own notification finished
     * @param expiringDoneThrough every "expires soon" notice of a record below {@code deliveredThrough} that falls
     *     due at or before this instant (epoch ms) had finished
     */
    public record Restored(long deliveredThrough, long expiringDoneThrough) {

        /** The metadata string a commit carries. */
        public String format() {
            return "through=" + deliveredThrough + ";expiring-done=" + expiringDoneThrough;
        }

        /** What a commit's metadata says; empty for none, or for metadata this notifier did not write. */
        public static Optional<Restored> parse(@Nullable String metadata) {
            if (metadata == null) {
                return Optional.empty();
            }
            Matcher matcher = METADATA.matcher(metadata);
            if (!matcher.matches()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Restored(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** An offset to commit with its metadata ({@link Restored#format()}). */
    public record Commit(long offset, String metadata) {
    }

    /** What to do now: attempts to send, and deliveries that finished (to count and log). */
    public record Step(List<Dispatch> dispatches, List<DeliveryOutcome> outcomes) {
    }

    private record Arrival(Source source, long offset, LifecycleEvent event, CommitLedger.Hold hold) {
    }

    private record TimedHold(long untilMs, long sequence, CommitLedger.Hold hold) implements Comparable<TimedHold> {
        @Override
        public int compareTo(TimedHold other) {
            int byTime = Long.compare(untilMs, other.untilMs);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    /**
     * @param jitter random numbers in [0, 1) for the backoff
     */
    public Notifier(Options options, List<Webhook> webhooks, DoubleSupplier jitter) {
        if (webhooks.isEmpty()) {
            throw new IllegalArgumentException("a notifier needs at least one webhook");
        }
        this.options = options;
        this.webhooks = List.copyOf(webhooks);
        this.lanes = new DeliveryLanes(webhooks, options.backoff(), options.maxInFlightPerWebhook(), jitter);
        this.order = new ArrivalOrder<>(options.orderWait().toMillis());
    }

    /**
     * Partitions were assigned: start afresh. {@code restored} holds what the committed offsets of some of them
     * recorded; the consumer reads each from its committed offset.
     */
    public void assigned(Collection<Source> sources, Map<Source, Restored> restored) {
        clear();
        assigned.addAll(sources);
        this.restored.putAll(restored);
    }

    /** Partitions were revoked (rebalances are eager: all of them): forget everything. */
    public void revoked() {
        clear();
    }

    /** A record was consumed; it is handled when its turn comes ({@link #tick}). */
    public void consumed(Source source, long offset, long timestampMs, LifecycleEvent event, long nowMs) {
        order.add(source, timestampMs, nowMs, new Arrival(source, offset, event, ledger.hold(source, offset, true)));
    }

    /**
     * After a poll: the consumer's position in {@code source}, and whether it has nothing more to read there now.
     */
    public void advanced(Source source, long position, boolean caughtUp) {
        ledger.advance(source, position);
        if (caughtUp) {
            caughtUpNow.add(source);
            caughtUpOnce.add(source);
        } else {
            caughtUpNow.remove(source);
        }
    }

    /** Handles what may go now: records in order, notices due, retries due. */
    public Step tick(long nowMs) {
        List<Dispatch> dispatches = new ArrayList<>();
        releaseTimedHolds(nowMs);
        for (Arrival arrival : order.release(nowMs, caughtUpNow::contains, assigned)) {
            handle(arrival, nowMs, dispatches);
        }
        for (ExpiringNotices.Notice notice : expiring.due(nowMs, this::groupReady)) {
            if (notice.expiresAtMs <= nowMs) {
                // Too late to say "soon" (the notifier was down or behind): the expiry itself will be told.
                finish(notice);
            } else {
                deliver(notice.notification, notice.hold, notice, nowMs, dispatches);
            }
        }
        lanes.due(nowMs, dispatches);
        return new Step(dispatches, List.of());
    }

    /** A receiver's answer to attempt {@code dispatchId}. */
    public Step completed(long dispatchId, ReceiverAnswer answer, long nowMs) {
        List<Dispatch> dispatches = new ArrayList<>();
        List<DeliveryLanes.Settled> settled = new ArrayList<>();
        lanes.completed(dispatchId, answer, nowMs, dispatches, settled);
        List<DeliveryOutcome> outcomes = new ArrayList<>();
        for (DeliveryLanes.Settled one : settled) {
            outcomes.add(one.outcome());
            Delivery delivery = one.delivery();
            if (delivery.settledOne()) {
                ledger.release(delivery.hold());
                if (delivery.notice() != null) {
                    expiring.finished(delivery.notice());
                }
            }
        }
        return new Step(dispatches, outcomes);
    }

    /** The offset (and metadata) each assigned partition may commit now. */
    public Map<Source, Commit> commits(long nowMs) {
        releaseTimedHolds(nowMs);
        Map<Source, Commit> commits = new LinkedHashMap<>();
        for (Source source : assigned) {
            OptionalLong offset = ledger.committable(source);
            OptionalLong position = ledger.position(source);
            if (offset.isEmpty() || position.isEmpty()) {
                continue;
            }
            long through = ledger.deliveredThrough(source).orElseThrow();
            long expiringDone = expiring.doneThrough(source);
            Restored before = restored.get(source);
            if (before != null) {
                // Below the restored mark every own notification was finished, replayed or not.
                through = Math.max(through, before.deliveredThrough());
                if (position.getAsLong() < before.deliveredThrough()) {
                    // Not all of the replayed grants are known yet: the restored mark still speaks for the rest.
                    expiringDone = Math.min(expiringDone, before.expiringDoneThrough());
                }
            }
            commits.put(source, new Commit(offset.getAsLong(), new Restored(through, expiringDone).format()));
        }
        return commits;
    }

    /** The next instant something falls due (a notice, a retry, a record's wait); empty when nothing will. */
    public OptionalLong nextWakeMs() {
        long next = Long.MAX_VALUE;
        for (OptionalLong candidate : List.of(expiring.nextDueMs(this::groupReady), lanes.nextRetryMs(),
                order.nextDeadlineMs())) {
            if (candidate.isPresent()) {
                next = Math.min(next, candidate.getAsLong());
            }
        }
        return next == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(next);
    }

    /** Records waiting for their turn plus notifications not yet finished at some receiver. */
    public int backlog() {
        return order.size() + lanes.active();
    }

    /** "Expires soon" notices scheduled and not yet due. */
    public int expiringScheduled() {
        return expiring.scheduled();
    }

    private void handle(Arrival arrival, long nowMs, List<Dispatch> dispatches) {
        LifecycleEvent event = arrival.event();
        Source source = arrival.source();
        long offset = arrival.offset();
        Restored before = restored.get(source);
        boolean replayed = before != null && offset < before.deliveredThrough();
        String requestId = event.requestId();
        long retentionMs = options.openRequestRetention().toMillis();
        if (event instanceof Requested requested) {
            open(requestId, requested.subject(), source, offset, requested.occurredAt().toEpochMilli() + retentionMs,
                    nowMs);
        } else if (event instanceof Pending pending) {
            // Votes may take until the deadline; a time-out's denial comes just after it.
            open.extend(requestId, pending.decideBy().toEpochMilli() + retentionMs);
        } else if (event instanceof Approved approved) {
            open.learned(requestId, approved.subject(), approved.occurredAt().toEpochMilli() + retentionMs);
        } else if (event instanceof Granted granted) {
            // The grant repeats the subject, and its expiry closes the request: it takes over from the request.
            open(requestId, granted.subject(), source, offset, granted.expiresAt().toEpochMilli() + retentionMs,
                    nowMs);
        }
        Subject subject = open.subject(requestId);
        if (!replayed) {
            Optional<Notification> notification = Notifications.of(event, subject);
            notification.ifPresent(n -> deliver(n, ledger.hold(source, offset, true), null, nowMs, dispatches));
        }
        if (event instanceof Granted granted) {
            scheduleExpiring(granted, source, offset, before, replayed, nowMs);
        } else if (event instanceof Expired expired) {
            long expiresAtMs = expired.expiresAt().toEpochMilli();
            expiring.cancel(requestId, expiresAtMs, nowMs).forEach(this::finish);
            if (expiresAtMs > nowMs) {
                // Ended before its time: keep this record until then, so a restart that rebuilds the grant's
                // notice reads this cancellation again.
                timedHolds.add(new TimedHold(expiresAtMs, timedSequence++, ledger.hold(source, offset, false)));
            }
            release(open.closed(requestId));
        } else if (event instanceof Denied) {
            release(open.closed(requestId));
        }
        ledger.release(arrival.hold());
    }

    private void open(String requestId, Subject subject, Source source, long offset, long untilMs, long nowMs) {
        if (untilMs > nowMs) {
            release(open.opened(requestId, subject, ledger.hold(source, offset, false), untilMs));
        }
    }

    private void scheduleExpiring(Granted granted, Source source, long offset, @Nullable Restored before,
            boolean replayed, long nowMs) {
        long dueMs = Notifications.expiringDueAt(granted, options.expiringLead()).toEpochMilli();
        long expiresAtMs = granted.expiresAt().toEpochMilli();
        if (expiresAtMs <= nowMs) {
            return;
        }
        if (replayed && before != null && dueMs <= before.expiringDoneThrough()) {
            // Finished before the restart.
            return;
        }
        ExpiringNotices.Notice notice = new ExpiringNotices.Notice(
                Notifications.expiring(granted, Instant.ofEpochMilli(dueMs)), source, dueMs, expiresAtMs,
                ledger.hold(source, offset, false));
        if (!expiring.schedule(notice)) {
            ledger.release(notice.hold);
        }
    }

    private void deliver(Notification notification, CommitLedger.Hold hold, ExpiringNotices.@Nullable Notice notice,
            long nowMs, List<Dispatch> dispatches) {
        List<Integer> receivers = new ArrayList<>();
        for (int i = 0; i < webhooks.size(); i++) {
            if (webhooks.get(i).accepts(notification.type())) {
                receivers.add(i);
            }
        }
        if (receivers.isEmpty()) {
            ledger.release(hold);
            if (notice != null) {
                expiring.finished(notice);
            }
            return;
        }
        Delivery delivery = new Delivery(notification, hold, notice, receivers.size());
        receivers.forEach(webhook -> lanes.enqueue(delivery, webhook, nowMs, dispatches));
    }

    private void finish(ExpiringNotices.Notice notice) {
        expiring.finished(notice);
        ledger.release(notice.hold);
    }

    private void release(CommitLedger.@Nullable Hold hold) {
        if (hold != null) {
            ledger.release(hold);
        }
    }

    private void releaseTimedHolds(long nowMs) {
        while (!timedHolds.isEmpty() && timedHolds.peek().untilMs() <= nowMs) {
            ledger.release(timedHolds.poll().hold());
        }
        open.expire(nowMs).forEach(ledger::release);
        expiring.forgetCancellations(nowMs);
    }

    /** Whether every assigned partition of group {@code partition} has been read up to date since assignment. */
    private boolean groupReady(int partition) {
        for (Source source : assigned) {
            if (source.partition() == partition && !caughtUpOnce.contains(source)) {
                return false;
            }
        }
        return true;
    }

    private void clear() {
        ledger.clear();
        order.clear();
        open.clear();
        expiring.clear();
        lanes.clear();
        timedHolds.clear();
        assigned.clear();
        restored.clear();
        caughtUpNow.clear();
        caughtUpOnce.clear();
    }
}
