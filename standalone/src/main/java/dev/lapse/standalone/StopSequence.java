package dev.lapse.standalone;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops parts in the order they were added, each one even when an earlier one failed to stop: a failing
 * {@code close()} of a service must not leave the broker or the registry process running. The first failure is
 * rethrown once every part was asked to stop, with the later ones suppressed in it.
 */
public final class StopSequence implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StopSequence.class);

    private final List<Step> steps = new ArrayList<>();

    private record Step(String name, AutoCloseable part) {
    }

    /** Adds a part, stopped after every part added before it. */
    public StopSequence then(String name, AutoCloseable part) {
        steps.add(new Step(name, part));
        return this;
    }

    /** The names of the parts, in the order they stop. */
    public List<String> names() {
        return steps.stream().map(Step::name).toList();
    }

    /**
     * Stops every part in order.
     *
     * @throws RuntimeException the first failure (a checked one wrapped in an {@link IllegalStateException}), with
     *                          the others suppressed
     */
    @Override
    public void close() {
        @Nullable Throwable first = null;
        for (Step step : steps) {
            try {
                step.part().close();
            } catch (Throwable e) { // an Error too: the parts after this one must still stop
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.warn("Stopping {} failed: {}", step.name(), e.toString());
                Throwable failure = e instanceof RuntimeException || e instanceof Error ? e
                        : new IllegalStateException("stopping " + step.name() + " failed: " + e.getMessage(), e);
                if (first == null) {
                    first = failure;
                } else {
                    first.addSuppressed(failure);
                }
            }
        }
        if (first instanceof Error error) {
            throw error;
        }
        if (first != null) {
            throw (RuntimeException) first;
        }
    }
}
