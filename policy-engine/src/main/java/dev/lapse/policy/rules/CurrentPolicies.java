package dev.lapse.policy.rules;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The policy set in force, replaced only by a load that succeeds: a reload with errors reports them and keeps the
 * previous set, so a broken edit never leaves the engine without policies (or with half of them).
 */
public final class CurrentPolicies {

    private final Path directory;
    private final AtomicReference<PolicySet> current;

    private CurrentPolicies(Path directory, PolicySet initial) {
        this.directory = directory;
        this.current = new AtomicReference<>(initial);
    }

    /** Loads the directory for the first time; there is nothing to fall back to, so errors are the result. */
    public static Result open(Path directory) {
        PolicyLoad load = PolicySet.load(directory);
        if (load instanceof PolicyLoad.Loaded loaded) {
            return new Result.Opened(new CurrentPolicies(directory, loaded.policies()));
        }
        return new Result.NotOpened(((PolicyLoad.Failed) load).errors());
    }

    /** The set in force now. */
    public PolicySet get() {
        return current.get();
    }

    /** Loads the directory again; on success the new set is in force, on failure the old one stays: its errors. */
    public List<LoadError> reload() {
        PolicyLoad load = PolicySet.load(directory);
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
