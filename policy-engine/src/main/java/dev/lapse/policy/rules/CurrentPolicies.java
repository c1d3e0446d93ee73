package dev.lapse.policy.rules;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The policy set in force, replaced only by a load that succeeds: a reload with errors reports them and keeps the
 * previous set, so a broken edit never leaves the engine without policies (or with half of them).
 */
public final class CurrentPolicies {

    private final Supplier<PolicyLoad> loader;
    private final AtomicReference<PolicySet> current;

    private CurrentPolicies(Supplier<PolicyLoad> loader, PolicySet initial) {
        this.loader = loader;
        this.current = new AtomicReference<>(initial);
    }

    /** Loads the directory for the first time; there is nothing to fall back to, so errors are the result. */
    public static Result open(Path directory) {
        return open(() -> PolicySet.load(directory));
    }

    /**
     * Loads with {@code loader} for the first time (policy files that do not live in a directory, such as a jar's
     * resources, are loaded with {@link PolicySet#load(java.util.List)}); every reload calls it again.
     */
    public static Result open(Supplier<PolicyLoad> loader) {
        PolicyLoad load = loader.get();
        if (load instanceof PolicyLoad.Loaded loaded) {
            return new Result.Opened(new CurrentPolicies(loader, loaded.policies()));
        }
        return new Result.NotOpened(((PolicyLoad.Failed) load).errors());
    }

    /** The set in force now. */
    public PolicySet get() {
        return current.get();
    }

    /** Loads again; on success the new set is in force, on failure the old one stays: its errors. */
    public List<LoadError> reload() {
        PolicyLoad load = loader.get();
        if (load instanceof PolicyLoad.Loaded loaded) {
            current.set(loaded.policies());
            return List.of();
        }
        return ((PolicyLoad.Failed) load).errors();
    }

    /** The outcome of {@link #open}. */
    public sealed interface Result permits Result.Opened, Result.NotOpened {
        /** The directory loaded. */
        record Opened(CurrentPolicies policies) implements Result {
        }

        /** The directory did not load. */
        record NotOpened(List<LoadError> errors) implements Result {
        }
    }
}
