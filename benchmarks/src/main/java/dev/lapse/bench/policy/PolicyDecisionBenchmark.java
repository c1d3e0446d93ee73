package dev.lapse.bench.policy;

import dev.lapse.policy.rules.PolicyDecision;
import dev.lapse.policy.rules.PolicyRequest;
import dev.lapse.policy.rules.PolicySet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One decision of the policy engine ({@link PolicySet#evaluate}) against a set of {@code rules} loaded rules
 * ({@link PolicyCorpus}): what policy-engine does for every request it reads, CEL conditions included.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyDecisionBenchmark {

    /** The loaded set and the request, built once per trial. */
    @State(Scope.Thread)
    public static class Loaded {
        @Param("1000")
        public int rules;

        PolicySet policies;
        PolicyRequest request;

        @Setup(Level.Trial)
        public void load() {
            policies = PolicyCorpus.load(rules);
            request = PolicyCorpus.request(rules);
        }
    }

    @Benchmark
    public PolicyDecision decide(Loaded loaded) {
        return loaded.policies.evaluate(loaded.request, PolicyCorpus.NOW);
    }
}
