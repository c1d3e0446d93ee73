package dev.lapse.grant.kafka;

import dev.lapse.event.AccessExpired;
import dev.lapse.grant.target.Target;
import dev.lapse.grant.target.Targets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Withdraws grants from every target, a poll batch's worth at a time with at most {@code concurrency} withdrawals
 * running at once: a backlog of overdue grants (after an outage, a restart) drains at once, yet never holds more
 * database connections than that, whatever its size.
 */
final class Withdrawals implements AutoCloseable {

    private final Targets targets;
    private final ExecutorService workers;
    private final ExpiryFence fence;

    Withdrawals(Targets targets, int concurrency, ExpiryFence fence) {
        this.fence = fence;
        if (concurrency < 1) {
            throw new IllegalArgumentException("withdrawal concurrency must be at least 1, got " + concurrency);
        }
        this.targets = targets;
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(concurrency, task -> {
            Thread thread = new Thread(task, "lapse-withdrawal-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the withdrawal of one expired grant in every target; what each target withdrew, in target order. */
    CompletableFuture<List<String>> start(AccessExpired expired) {
        if (targets.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return CompletableFuture.supplyAsync(() -> withdraw(expired), workers);
    }

    /** Withdraws one expired grant on the calling thread. */
    List<String> withdraw(AccessExpired expired) {
        if (targets.isEmpty()) {
            return List.of();
        }
        fence.withdrawing(expired.getGrantId());
        List<String> done = new ArrayList<>();
        for (Target target : targets.all()) {
            done.addAll(target.withdraw(expired.getGrantId(), expired.getRequesterId()));
        }
        return done;
    }

    /** The result of a started withdrawal, with the target's own exception if it failed. */
    static List<String> join(CompletableFuture<List<String>> withdrawal) {
        try {
            return withdrawal.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
