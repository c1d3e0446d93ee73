package dev.lapse.policy.rules;

import static dev.lapse.policy.rules.Policies.load;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundleTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    private static final String POLICIES = """
            tables:
              crm.public.customers:
                columns: {ssn: [secret]}
            rules:
              - name: read
                target: postgres
                table: crm.public.*
                actions: [SELECT]
                excludeTags: [secret]
                outcome: approve
                maxDuration: 1h
              - name: secrets
                target: postgres
                table: crm.public.*
                actions: [SELECT]
                tags: [secret]
                outcome: require
                approvals: [{groups: [data-owners]}]
              - name: no-update
                target: postgres
                table: crm.public.*
                actions: [UPDATE]
                outcome: deny
                reason: read-only here
            bundles:
              support-debug:
                requestableBy: [support]
                maxDuration: 2h
                scopes:
                  - {target: postgres, table: crm.public.customers, actions: [SELECT], columns: [id, email]}
                  - {target: postgres, table: crm.public.orders, actions: [SELECT], columns: [id, status]}
              with-secret:
                requestableBy: [support]
                scopes:
                  - {target: postgres, table: crm.public.customers, actions: [SELECT], columns: [id, ssn]}
                  - {target: postgres, table: crm.public.orders, actions: [SELECT], columns: [id]}
              with-update:
                requestableBy: [support]
                scopes:
                  - {target: postgres, table: crm.public.customers, actions: [SELECT], columns: [id]}
                  - {target: postgres, table: crm.public.orders, actions: [UPDATE], columns: [status]}
            """;

    private static BundleRequest ask(String bundle, List<String> groups, Duration duration) {
        return new BundleRequest("req-9", new Requester("alice", groups), bundle, "debugging", null, duration, false);
    }

    @Test
    void bundle_whollyApproved_isApprovedAsOne_forTheSmallestDuration() {
        BundleDecision decision = load(POLICIES).evaluateBundle(ask("support-debug", List.of("support"),
                Duration.ofHours(3)), NOW);

        assertThat(decision.decision()).isEqualTo(new PolicyDecision.Approve(Duration.ofHours(1), false,
                "approved by policy", List.of("bundle:support-debug", "read")));
        assertThat(decision.scopes()).hasSize(2);
    }

    @Test
    void bundle_notRequestableByTheRequestersGroups_isDenied() {
        BundleDecision decision = load(POLICIES).evaluateBundle(ask("support-debug", List.of("sales"),
                Duration.ofHours(1)), NOW);

        assertThat(decision.decision()).isEqualTo(new PolicyDecision.Deny(
                "bundle support-debug may be requested by members of support only", List.of("bundle:support-debug")));
        assertThat(decision.scopes()).isEmpty();
    }

    @Test
    void bundle_withOneDeniedScope_isDenied() {
        BundleDecision decision = load(POLICIES).evaluateBundle(ask("with-update", List.of("support"),
                Duration.ofMinutes(20)), NOW);

        assertThat(decision.decision()).isEqualTo(new PolicyDecision.Deny(
                "denied because UPDATE on postgres crm.public.orders(status): read-only here",
                List.of("bundle:with-update", "read", "no-update")));
    }

    @Test
    void bundle_withOneScopeNeedingApproval_needsItForTheWholeBundle() {
        BundleDecision decision = load(POLICIES).evaluateBundle(ask("with-secret", List.of("support"),
                Duration.ofMinutes(20)), NOW);

        assertThat(decision.decision()).isEqualTo(new PolicyDecision.Require(
                List.of(new ApprovalTier(1, List.of("data-owners"))), Duration.ofMinutes(20),
                PolicySet.DEFAULT_PENDING_TIMEOUT, "needs approval by 1 of data-owners",
                List.of("bundle:with-secret", "read", "secrets")));
    }

    @Test
    void unknownBundle_isDenied() {
        assertThat(load(POLICIES).evaluateBundle(ask("nope", List.of("support"), Duration.ofMinutes(5)), NOW)
                .decision()).isEqualTo(new PolicyDecision.Deny("no bundle named nope",
                        List.of(PolicySet.DEFAULT_DENY)));
    }
}
