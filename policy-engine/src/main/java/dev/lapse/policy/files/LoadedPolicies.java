package dev.lapse.policy.files;

import dev.lapse.policy.rules.CurrentPolicies;
import dev.lapse.policy.rules.LoadError;
import dev.lapse.policy.rules.PolicySet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies in force, where they came from and when, and how the last reload went. A reload replaces the set
 * only when every file loads; otherwise the previous set stays, and the failure is logged (one line), counted
 * ({@value #RELOADS} with {@code outcome=failed}) and shown by the {@code policies} endpoint until a reload succeeds
 * ({@value #RELOAD_FAILING} is 1 meanwhile). Thread-safe: the consumer reads, the watch and the endpoint reload.
 */
public final class LoadedPolicies {

    /** Counter of reloads, tagged {@code outcome} = {@code succeeded} or {@code failed}. */
    public static final String RELOADS = "lapse.policy.reloads";
    /** Gauge: 1 while the last reload failed (the previous policies are in force), else 0. */
    public static final String RELOAD_FAILING = "lapse.policy.reload.failing";
    /** Gauge: rules in force. */
    public static final String RULES = "lapse.policy.rules";

    private static final Logger log = LoggerFactory.getLogger(LoadedPolicies.class);

    private final PolicyFiles files;
    private final CurrentPolicies current;
    private final Clock clock;
    private final Counter succeeded;
    private final Counter failed;
    private volatile State state;

    /** What the endpoint shows besides the rules: when the set in force was loaded, and the last failure since. */
    public record State(Instant loadedAt, @Nullable Instant lastFailureAt, List<LoadError> lastErrors) {
        public State {
            lastErrors = List.copyOf(lastErrors);
        }
    }

    private LoadedPolicies(PolicyFiles files, CurrentPolicies current, Clock clock, MeterRegistry meters) {
        this.files = files;
        this.current = current;
        this.clock = clock;
        this.state = new State(clock.instant(), null, List.of());
        this.succeeded = Counter.builder(RELOADS).tag("outcome", "succeeded")
                .description("policy reloads (file change or endpoint)").register(meters);
        this.failed = Counter.builder(RELOADS).tag("outcome", "failed")
                .description("policy reloads (file change or endpoint)").register(meters);
        Gauge.builder(RELOAD_FAILING, this, policies -> policies.state.lastFailureAt() != null ? 1 : 0)
                .description("1 while the last reload failed and the previous policies stay in force")
                .register(meters);
        Gauge.builder(RULES, this, policies -> policies.get().rules().size())
                .description("rules in force").register(meters);
    }

    /**
     * Loads {@code files} for the first time.
     *
     * @throws PolicyLoadException naming every error, when the files do not load: there is nothing to fall back to
     */
    public static LoadedPolicies open(PolicyFiles files, Clock clock, MeterRegistry meters) {
        CurrentPolicies.Result result = CurrentPolicies.open(files::load);
        if (result instanceof CurrentPolicies.Result.NotOpened notOpened) {
            throw new PolicyLoadException(files.describe(), notOpened.errors());
        }
        LoadedPolicies loaded = new LoadedPolicies(files, ((CurrentPolicies.Result.Opened) result).policies(),
                clock, meters);
        log.info("Policies loaded from {}: {}", files.describe(), loaded.summary());
        return loaded;
    }

    /** The set in force. */
    public PolicySet get() {
        return current.get();
    }

    /** Where the policies are read from. */
    public PolicyFiles files() {
        return files;
    }

    /** When the set in force was loaded, and the last failed reload since, if any. */
    public State state() {
        return state;
    }

    /** Loads the files again: no errors and the new set is in force, or the errors and the previous set stays. */
    public synchronized List<LoadError> reload() {
        List<LoadError> errors = current.reload();
        Instant now = clock.instant();
        if (errors.isEmpty()) {
            succeeded.increment();
            state = new State(now, null, List.of());
            log.info("Policies reloaded from {}: {}", files.describe(), summary());
        } else {
            failed.increment();
            state = new State(state.loadedAt(), now, errors);
            log.warn("Policies in {} not reloaded, the previous ones stay in force ({}): {}", files.describe(),
                    summary(), errors.stream().map(LoadError::toString).collect(Collectors.joining("; ")));
        }
        return errors;
    }

    private String summary() {
        PolicySet set = get();
        return set.rules().size() + " rules, " + set.bundles().size() + " bundles";
    }
}
