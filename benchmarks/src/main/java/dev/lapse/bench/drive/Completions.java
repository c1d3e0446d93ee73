package dev.lapse.bench.drive;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The items submitted and not yet seen done, by id, each with the trial it belongs to and its due moment; whoever
 * sees an item done (a consumer of the last topic) or failed (the target) reports it here, from any thread.
 */
public final class Completions {

    private record Ticket(Trial trial, long dueNanos) {
    }

    private final Map<String, Ticket> pending = new ConcurrentHashMap<>();

    /** Registers an item before it is submitted, so a completion seen at once is not missed. */
    void expect(String id, Trial trial, long dueNanos) {
        pending.put(id, new Ticket(trial, dueNanos));
        trial.offered();
    }

    /** The item was seen done at {@code nanoTime}; an id not expected (another run's, a duplicate) is ignored. */
    public void completed(String id, long nanoTime) {
        Ticket ticket = pending.remove(id);
        if (ticket != null) {
            ticket.trial().completed(nanoTime - ticket.dueNanos(), nanoTime);
        }
    }

    /** The item could not be submitted, or was refused; it will not complete. */
    public void failed(String id, String reason) {
        Ticket ticket = pending.remove(id);
        if (ticket != null) {
            ticket.trial().failed(reason);
        }
    }
}
