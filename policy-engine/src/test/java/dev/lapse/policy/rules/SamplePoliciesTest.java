package dev.lapse.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped sample set (src/main/resources/policies) loads and decides the demo's requests as documented. */
class SamplePoliciesTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static PolicySet policies;

    @BeforeAll
    static void load() throws URISyntaxException {
        Path directory = Path.of(Objects.requireNonNull(SamplePoliciesTest.class.getResource("/policies")).toURI());
        PolicyLoad load = PolicySet.load(directory);
        assertThat(load).isInstanceOf(PolicyLoad.Loaded.class);
        policies = ((PolicyLoad.Loaded) load).policies();
    }

    private static PolicyRequest request(List<String> groups, List<String> actions, List<String> columns,
            Duration duration, String reason, String ticket, boolean breakGlass) {
        return new PolicyRequest("req-1", new Requester("alice", groups), "postgres", "crm.public.customers",
                actions, columns, reason, ticket, duration, breakGlass);
    }

    @Test
    void selectOnNamedNonSecretColumns_isApprovedOnItsOwn_forAtMostAnHour() {
        PolicyDecision decision = policies.evaluate(request(List.of("support"), List.of("SELECT"),
                List.of("id", "email"), Duration.ofHours(3), "debug", null, false), NOW);

        assertThat(decision).isEqualTo(new PolicyDecision.Approve(Duration.ofHours(1), false,
                "approved by policy, duration capped at PT1H by rule crm-read-named-columns",
                List.of("crm-read-named-columns")));
    }

    @Test
    void selectWithoutColumns_isDenied() {
        assertThat(policies.evaluate(request(List.of("support"), List.of("SELECT"), List.of(),
                Duration.ofMinutes(5), "debug", null, false), NOW)).isInstanceOf(PolicyDecision.Deny.class);
    }

    @Test
    void delete_isDeniedWithAReason() {
        assertThat(policies.evaluate(request(List.of("support"), List.of("DELETE"), List.of(),
                Duration.ofMinutes(5), "cleanup", null, false), NOW)).isEqualTo(new PolicyDecision.Deny(
                        "Deleting customer data goes through the erasure process, not through Lapse.",
                        List.of("crm-no-delete")));
    }

    @Test
    void secretColumns_needAPeerFromSupportAndAManagerFromDataOwners() {
        PolicyDecision decision = policies.evaluate(request(List.of("support"), List.of("SELECT"),
                List.of("email", "ssn"), Duration.ofMinutes(30), "fraud case", null, false), NOW);

        assertThat(decision).isEqualTo(new PolicyDecision.Require(
                List.of(new ApprovalTier(1, List.of("support")), new ApprovalTier(1, List.of("data-owners"))),
                Duration.ofMinutes(30), Duration.ofHours(4), "needs approval by 1 of support and 1 of data-owners",
                List.of("crm-read-named-columns", "crm-read-secret-columns")));
    }

    @Test
    void breakGlass_forOncallWithAnIncident_isSelfApprovedAndFlagged_otherwiseDenied() {
        PolicyDecision oncall = policies.evaluate(request(List.of("oncall"), List.of("SELECT"), List.of("ssn"),
                Duration.ofHours(1), "INC-12 payments failing", "INC-12", true), NOW);
        PolicyDecision noIncident = policies.evaluate(request(List.of("oncall"), List.of("SELECT"), List.of("ssn"),
                Duration.ofHours(1), "curious", "CS-1", true), NOW);
        PolicyDecision noReason = policies.evaluate(request(List.of("oncall"), List.of("SELECT"), List.of("ssn"),
                Duration.ofHours(1), "", "INC-12", true), NOW);

        assertThat(oncall).isInstanceOfSatisfying(PolicyDecision.Approve.class, approve -> {
            assertThat(approve.breakGlass()).isTrue();
            assertThat(approve.duration()).isEqualTo(Duration.ofMinutes(30));
            assertThat(approve.rules()).contains("crm-break-glass");
        });
        assertThat(noIncident).isInstanceOf(PolicyDecision.Deny.class);
        assertThat(noReason).isEqualTo(new PolicyDecision.Deny("break-glass needs a reason",
                List.of("crm-break-glass")));
    }

    @Test
    void supportDebugBundle_isApprovedForSupport_cappedByTheRules() {
        BundleDecision decision = policies.evaluateBundle(new BundleRequest("req-2",
                new Requester("alice", List.of("support")), "support-debug", "order 11 stuck", null,
                Duration.ofHours(2), false), NOW);

        assertThat(decision.decision()).isEqualTo(new PolicyDecision.Approve(Duration.ofHours(1), false,
                "approved by policy", List.of("bundle:support-debug", "crm-read-named-columns")));
        assertThat(policies.bundle("support-debug")).isNotNull();
    }
}
