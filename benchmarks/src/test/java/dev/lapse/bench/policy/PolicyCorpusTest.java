package dev.lapse.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.policy.rules.PolicyDecision;
import dev.lapse.policy.rules.PolicySet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark measures a real decision: the corpus loads whole, and its request is decided as described. */
class PolicyCorpusTest {

    @Test
    void corpus_loadsEveryRule_andTheRequestIsApprovedByTheTwoRulesThatApply() {
        PolicySet policies = PolicyCorpus.load(1_000);

        assertThat(policies.rules()).hasSize(1_000);
        assertThat(policies.evaluate(PolicyCorpus.request(1_000), PolicyCorpus.NOW)).isEqualTo(
                new PolicyDecision.Approve(Duration.ofMinutes(30), false, "approved by policy",
                        List.of("db50-read", "db50-incident-columns")));
    }
}
