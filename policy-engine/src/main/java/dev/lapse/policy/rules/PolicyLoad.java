package dev.lapse.policy.rules;

import java.util.List;

/** The result of loading policy files: a usable set, or every error found (nothing half-loaded). */
public sealed interface PolicyLoad permits PolicyLoad.Loaded, PolicyLoad.Failed {

    /** All files were valid. */
    record Loaded(PolicySet policies) implements PolicyLoad {
    }

    /** At least one file was invalid; the caller keeps what it had. */
    record Failed(List<LoadError> errors) implements PolicyLoad {
        public Failed {
            errors = List.copyOf(errors);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("a failed load names at least one error");
            }
        }
    }
}
