package dev.lapse.request.notify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;

/**
 * Delivers notifications to webhooks, in order per request and receiver, with retries. Each (webhook, request)
 * pair is a lane: a queue in which only the head is attempted, so a receiver sees one request's notifications in
 * the order they were made, and a notification waiting for its retry holds back only its own request. Each webhook
 * has at most {@code maxInFlight} attempts open at once; ready lanes beyond that wait their turn, first come first
 * served, so one receiver's trouble never takes another's capacity.
 *
 * <p>It decides and never waits: {@link #enqueue} and {@link #completed} return the attempts to make now, a retry
 * waits in a timer queue until {@link #due} is called at or after its time. Not thread-safe: one owner.
 */
final class DeliveryLanes {

    private final List<Webhook> webhooks;
    private final Backoff backoff;
    private final int maxInFlight;
    private final DoubleSupplier jitter;
    private final Map<LaneKey, Lane> lanes = new HashMap<>();
    private final int[] inFlight;
    private final List<ArrayDeque<Lane>> waitingForSlot = new ArrayList<>();
    private final TreeMap<RetryKey, Lane> retries = new TreeMap<>();
    private final Map<Long, Job> flying = new HashMap<>();
    private long dispatchSequence;
    private long retrySequence;
    private int jobs;

    /** A notification for one receiver that has finished; the caller finishes the notification when all have. */
    record Settled(Delivery delivery, DeliveryOutcome outcome) {
    }

    private record LaneKey(int webhook, String requestId) {
    }

    private record RetryKey(long atMs, long sequence) implements Comparable<RetryKey> {
        @Override
        public int compareTo(RetryKey other) {
            int byTime = Long.compare(atMs, other.atMs);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private static final class Job {
        final Delivery delivery;
        final Lane lane;
        int attempts;
        long notBeforeMs;

        Job(Delivery delivery, Lane lane) {
            this.delivery = delivery;
            this.lane = lane;
        }
    }

    private static final class Lane {
        final LaneKey key;
        final ArrayDeque<Job> jobs = new ArrayDeque<>();
        /** The head is in flight, waiting for a slot, or waiting for its retry. */
        boolean busy;

        Lane(LaneKey key) {
            this.key = key;
        }
    }

    /**
     * @param jitter random numbers in [0, 1) for the backoff
     */
    DeliveryLanes(List<Webhook> webhooks, Backoff backoff, int maxInFlight, DoubleSupplier jitter) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.webhooks = List.copyOf(webhooks);
        this.backoff = backoff;
        this.maxInFlight = maxInFlight;
        this.jitter = jitter;
        this.inFlight = new int[webhooks.size()];
        for (int i = 0; i < webhooks.size(); i++) {
            waitingForSlot.add(new ArrayDeque<>());
        }
    }

    /** Queues {@code delivery} for webhook number {@code webhook}; attempts to make now go to {@code out}. */
    void enqueue(Delivery delivery, int webhook, long nowMs, List<Dispatch> out) {
        LaneKey key = new LaneKey(webhook, delivery.notification().requestId());
        Lane lane = lanes.computeIfAbsent(key, Lane::new);
        lane.jobs.add(new Job(delivery, lane));
        jobs++;
        if (!lane.busy) {
            start(lane, nowMs, out);
        }
    }

    /**
     * The answer to attempt {@code dispatchId}. An answer to an attempt this object no longer knows (made before a
     * {@link #clear}) is ignored.
     */
    void completed(long dispatchId, ReceiverAnswer answer, long nowMs, List<Dispatch> out, List<Settled> settled) {
        Job job = flying.remove(dispatchId);
        if (job == null) {
            return;
        }
        int webhook = job.lane.key.webhook();
        inFlight[webhook]--;
        switch (answer.verdict()) {
            case DELIVERED -> settle(job, true, answer.describe(), settled);
            case GIVE_UP -> settle(job, false, "refused with " + answer.describe() + ", not retried", settled);
            case RETRY -> {
                if (backoff.exhausted(job.attempts)) {
                    settle(job, false, "no answer accepted in " + job.attempts + " attempts, the last: "
                            + answer.describe(), settled);
                } else {
                    job.notBeforeMs = nowMs + backoff.delayMs(job.attempts, jitter.getAsDouble());
                }
            }
        }
        // The freed slot goes to a lane that waited for one before this lane may take it again.
        fillSlots(webhook, out);
        start(job.lane, nowMs, out);
    }

    /** Starts the retries whose time has come. */
    void due(long nowMs, List<Dispatch> out) {
        while (!retries.isEmpty() && retries.firstKey().atMs() <= nowMs) {
            Lane lane = retries.pollFirstEntry().getValue();
            takeSlotOrWait(lane, out);
        }
    }

    /** When the next retry is due; empty when none waits. */
    OptionalLong nextRetryMs() {
        return retries.isEmpty() ? OptionalLong.empty() : OptionalLong.of(retries.firstKey().atMs());
    }

    /** Notifications queued for a receiver and not yet finished, counted once per receiver. */
    int active() {
        return jobs;
    }

    /** Forgets everything; answers to attempts already made are then ignored. */
    void clear() {
        lanes.clear();
        retries.clear();
        flying.clear();
        waitingForSlot.forEach(ArrayDeque::clear);
        Arrays.fill(inFlight, 0);
        jobs = 0;
    }

    private void start(Lane lane, long nowMs, List<Dispatch> out) {
        Job head = lane.jobs.peek();
        if (head == null) {
            lane.busy = false;
            lanes.remove(lane.key);
            return;
        }
        lane.busy = true;
        if (head.notBeforeMs > nowMs) {
            retries.put(new RetryKey(head.notBeforeMs, retrySequence++), lane);
        } else {
            takeSlotOrWait(lane, out);
        }
    }

    private void takeSlotOrWait(Lane lane, List<Dispatch> out) {
        int webhook = lane.key.webhook();
        if (inFlight[webhook] < maxInFlight) {
            fly(lane, out);
        } else {
            waitingForSlot.get(webhook).add(lane);
        }
    }

    private void fillSlots(int webhook, List<Dispatch> out) {
        ArrayDeque<Lane> waiting = waitingForSlot.get(webhook);
        while (inFlight[webhook] < maxInFlight && !waiting.isEmpty()) {
            fly(waiting.poll(), out);
        }
    }

    private void fly(Lane lane, List<Dispatch> out) {
        Job job = lane.jobs.element();
        int webhook = lane.key.webhook();
        inFlight[webhook]++;
        job.attempts++;
        long id = ++dispatchSequence;
        flying.put(id, job);
        out.add(new Dispatch(id, webhooks.get(webhook), job.delivery.notification(), job.attempts));
    }

    private void settle(Job job, boolean delivered, String detail, List<Settled> settled) {
        job.lane.jobs.poll();
        jobs--;
        settled.add(new Settled(job.delivery, new DeliveryOutcome(webhooks.get(job.lane.key.webhook()),
                job.delivery.notification(), delivered, job.attempts, detail)));
    }
}
