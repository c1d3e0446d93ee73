package dev.lapse.policy.rules;

import static dev.lapse.policy.rules.Policies.TABLES;
import static dev.lapse.policy.rules.Policies.load;
import static dev.lapse.policy.rules.Policies.request;
import static dev.lapse.policy.rules.Policies.select;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicySetTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    private static final String READ_NON_SECRET = """
            rules:
              - name: read-non-secret
                target: postgres
                table: crm.public.*
                actions: [select]
                excludeTags: [secret]
                outcome: approve
                maxDuration: 1h
            """;

    private static final String SECRETS_NEED_TWO = """
            rules:
              - name: secrets-need-two
                target: postgres
                table: crm.public.*
                actions: [SELECT]
                tags: [secret]
                outcome: require
                approvals:
                  - {count: 1, groups: [support]}
                  - {count: 1, groups: [data-owners]}
                pendingTimeout: 4h
            """;

    @Test
    void matching_byGlobAndExcludedTag_approvesNonSecretColumns() {
        PolicySet policies = load(TABLES, READ_NON_SECRET);

        assertThat(policies.evaluate(select("id", "email"), NOW)).isEqualTo(new PolicyDecision.Approve(
                Duration.ofMinutes(30), false, "approved by policy", List.of("read-non-secret")));
    }

    @Test
    void matching_looksAtEveryRuleWhoseTablePatternCanMatch_whateverItsWildcards_inDeclarationOrder() {
        PolicySet policies = load(TABLES, """
                rules:
                  - {name: exact, target: postgres, table: crm.public.customers, actions: [SELECT], outcome: approve}
                  - {name: other-db, target: postgres, table: 'hr.*', actions: [SELECT], outcome: approve}
                  - {name: any-db, target: postgres, table: '*.customers', actions: [SELECT], outcome: approve}
                  - {name: one-char, target: postgres, table: 'cr?.public.*', actions: [SELECT], outcome: approve}
                  - {name: longer, target: postgres, table: 'crm.public.customers_*', actions: [SELECT],
                     outcome: approve}
                  - {name: schema, target: postgres, table: 'crm.*', actions: [SELECT], outcome: approve,
                     maxDuration: 10m}
                """);

        assertThat(policies.evaluate(select("id"), NOW)).isEqualTo(new PolicyDecision.Approve(Duration.ofMinutes(10),
                false, "approved by policy, duration capped at PT10M by rule schema",
                List.of("exact", "any-db", "one-char", "schema")));
    }

    @Test
    void matching_columnOfAnotherTarget_isNotCovered() {
        PolicySet policies = load(TABLES, READ_NON_SECRET);
        PolicyRequest mysql = new PolicyRequest("req-1", new Requester("alice", List.of()), "mysql",
                "crm.public.customers", List.of("SELECT"), List.of("email"), "r", null, Duration.ofMinutes(5), false);

        assertThat(policies.evaluate(mysql, NOW)).isEqualTo(new PolicyDecision.Deny(
                "no policy allows SELECT on email on mysql crm.public.customers", List.of(PolicySet.DEFAULT_DENY)));
    }

    @Test
    void matching_byTag_coversOnlyTaggedColumns() {
        PolicySet policies = load(TABLES, SECRETS_NEED_TWO);

        assertThat(policies.evaluate(select("ssn", "card_number"), NOW))
                .isInstanceOf(PolicyDecision.Require.class);
        assertThat(policies.evaluate(select("ssn", "email"), NOW)).isEqualTo(new PolicyDecision.Deny(
                "no policy allows SELECT on email on postgres crm.public.customers",
                List.of(PolicySet.DEFAULT_DENY)));
    }

    @Test
    void matching_byColumnName_andWholeTableNeedsARuleWithoutColumns() {
        PolicySet policies = load(TABLES, """
                rules:
                  - name: ids-only
                    target: postgres
                    table: crm.public.customers
                    actions: [SELECT]
                    columns: [id, 'card_*']
                    outcome: approve
                """);

        assertThat(policies.evaluate(select("id", "card_number"), NOW)).isInstanceOf(PolicyDecision.Approve.class);
        assertThat(policies.evaluate(select(), NOW)).isEqualTo(new PolicyDecision.Deny(
                "no policy allows SELECT on the whole table (name the columns) on postgres crm.public.customers",
                List.of(PolicySet.DEFAULT_DENY)));
    }

    @Test
    void noMatchingRule_denies() {
        PolicySet policies = load(TABLES);

        assertThat(policies.evaluate(select("email"), NOW)).isEqualTo(new PolicyDecision.Deny(
                "no policy allows SELECT on email on postgres crm.public.customers",
                List.of(PolicySet.DEFAULT_DENY)));
    }

    @Test
    void anActionNoRuleCovers_deniesTheWholeRequest() {
        PolicySet policies = load(TABLES, READ_NON_SECRET);

        PolicyDecision decision = policies.evaluate(request("alice", List.of(), "crm.public.customers",
                List.of("SELECT", "UPDATE"), List.of("email"), Duration.ofMinutes(5)), NOW);

        assertThat(decision).isEqualTo(new PolicyDecision.Deny(
                "no policy allows UPDATE on email on postgres crm.public.customers", List.of(PolicySet.DEFAULT_DENY)));
    }

    @Test
    void denyWins_overApproveAndRequire() {
        PolicySet policies = load(TABLES, READ_NON_SECRET, SECRETS_NEED_TWO, """
                rules:
                  - name: no-contractors
                    target: '*'
                    table: '*'
                    actions: ['*']
                    when: "'contractors' in requester.groups"
                    outcome: deny
                    reason: Contractors get no access to customer data.
                """);

        PolicyDecision decision = policies.evaluate(request("bob", List.of("contractors"), "crm.public.customers",
                List.of("SELECT"), List.of("email", "ssn"), Duration.ofMinutes(5)), NOW);

        assertThat(decision).isEqualTo(new PolicyDecision.Deny("Contractors get no access to customer data.",
                List.of("no-contractors")));
    }

    @Test
    void strictestRequirement_isTheUnionOfTiers_withDuplicatesDropped() {
        PolicySet policies = load(TABLES, READ_NON_SECRET, SECRETS_NEED_TWO, """
                rules:
                  - name: cards-need-security
                    target: postgres
                    table: crm.public.customers
                    actions: [SELECT]
                    columns: [card_number]
                    outcome: require
                    approvals:
                      - {count: 1, groups: [data-owners]}
                      - {count: 2, groups: [security]}
                    maxDuration: 15m
                    pendingTimeout: 1h
                """);

        PolicyDecision decision = policies.evaluate(select("email", "ssn", "card_number"), NOW);

        assertThat(decision).isEqualTo(new PolicyDecision.Require(
                List.of(new ApprovalTier(1, List.of("support")), new ApprovalTier(1, List.of("data-owners")),
                        new ApprovalTier(2, List.of("security"))),
                Duration.ofMinutes(15), Duration.ofHours(1),
                "needs approval by 1 of support and 1 of data-owners and 2 of security,"
                        + " duration capped at PT15M by rule cards-need-security",
                List.of("read-non-secret", "secrets-need-two", "cards-need-security")));
    }

    @Test
    void requirement_withoutTimeout_waitsTheDefault_andTheSmallestCapApplies() {
        PolicySet policies = load(TABLES, READ_NON_SECRET, """
                rules:
                  - name: secrets
                    target: postgres
                    table: crm.public.*
                    actions: [SELECT]
                    tags: [secret]
                    outcome: require
                    approvals: [{groups: [data-owners]}]
                    maxDuration: 2h
                """);

        PolicyDecision decision = policies.evaluate(request("alice", List.of(), "crm.public.customers",
                List.of("SELECT"), List.of("email", "ssn"), Duration.ofHours(8)), NOW);

        assertThat(decision).isInstanceOfSatisfying(PolicyDecision.Require.class, require -> {
            assertThat(require.tiers()).containsExactly(new ApprovalTier(1, List.of("data-owners")));
            assertThat(require.duration()).isEqualTo(Duration.ofHours(1));
            assertThat(require.pendingTimeout()).isEqualTo(PolicySet.DEFAULT_PENDING_TIMEOUT);
        });
    }

    @Test
    void durationCap_theSmallestAmongMatchingRules() {
        PolicySet policies = load(TABLES, READ_NON_SECRET, """
                rules:
                  - name: email-short
                    target: postgres
                    table: crm.public.customers
                    actions: [SELECT]
                    columns: [email]
                    outcome: approve
                    maxDuration: 10m
                """);

        PolicyDecision decision = policies.evaluate(select("id", "email"), NOW);

        assertThat(decision).isEqualTo(new PolicyDecision.Approve(Duration.ofMinutes(10), false,
                "approved by policy, duration capped at PT10M by rule email-short",
                List.of("read-non-secret", "email-short")));
    }

    private static final String WORKING_HOURS = """
            rules:
              - name: working-hours
                target: postgres
                table: crm.public.*
                actions: [SELECT]
                when: |
                  now.getHours('UTC') >= 8 && now.getHours('UTC') < 18
                    && duration <= duration('2h')
                    && request.resource.name.startsWith('crm.') && request.ticket.startsWith('CS-')
                outcome: approve
            """;

    @Test
    void condition_true_applies() {
        PolicySet policies = load(TABLES, WORKING_HOURS);
        PolicyRequest withTicket = new PolicyRequest("r", new Requester("alice", List.of()), "postgres",
                "crm.public.customers", List.of("SELECT"), List.of("email"), "why", "CS-42", Duration.ofHours(1),
                false);

        assertThat(policies.evaluate(withTicket, NOW)).isInstanceOf(PolicyDecision.Approve.class);
    }

    @Test
    void condition_false_doesNotApply() {
        PolicySet policies = load(TABLES, WORKING_HOURS);
        PolicyRequest withTicket = new PolicyRequest("r", new Requester("alice", List.of()), "postgres",
                "crm.public.customers", List.of("SELECT"), List.of("email"), "why", "CS-42", Duration.ofHours(1),
                false);

        assertThat(policies.evaluate(withTicket, Instant.parse("2026-03-02T20:00:00Z")))
                .isInstanceOf(PolicyDecision.Deny.class);
        assertThat(policies.evaluate(select("email"), NOW)).as("no ticket").isInstanceOf(PolicyDecision.Deny.class);
    }

    @Test
    void condition_thatFailsToEvaluate_deniesToBeSafe() {
        PolicySet policies = load(TABLES, """
                rules:
                  - name: uses-a-missing-key
                    target: postgres
                    table: crm.public.*
                    actions: [SELECT]
                    when: request.team == 'crm'
                    outcome: approve
                """);

        assertThat(policies.evaluate(select("email"), NOW)).isInstanceOfSatisfying(PolicyDecision.Deny.class,
                deny -> {
                    assertThat(deny.reason()).startsWith("rule uses-a-missing-key could not be evaluated");
                    assertThat(deny.rules()).containsExactly("uses-a-missing-key");
                });
    }

    private static final String BREAK_GLASS = """
            rules:
              - name: oncall-break-glass
                target: postgres
                table: crm.public.*
                actions: [SELECT]
                when: "'oncall' in requester.groups"
                outcome: break-glass
                maxDuration: 30m
            """;

    private static PolicyRequest breakGlass(List<String> groups, String reason, List<String> actions) {
        return new PolicyRequest("r", new Requester("olga", groups), "postgres", "crm.public.customers", actions,
                List.of("ssn"), reason, "INC-7", Duration.ofHours(1), true);
    }

    @Test
    void breakGlass_withReason_selfApproves_flagged_andCapped() {
        PolicySet policies = load(TABLES, SECRETS_NEED_TWO, BREAK_GLASS);

        assertThat(policies.evaluate(breakGlass(List.of("oncall"), "INC-7: payments down", List.of("SELECT")), NOW))
                .isEqualTo(new PolicyDecision.Approve(Duration.ofMinutes(30), true,
                        "break-glass: self-approved, to be reviewed, duration capped at PT30M by rule"
                                + " oncall-break-glass",
                        List.of("secrets-need-two", "oncall-break-glass")));
    }

    @Test
    void breakGlass_withoutReason_denies() {
        PolicySet policies = load(TABLES, SECRETS_NEED_TWO, BREAK_GLASS);

        assertThat(policies.evaluate(breakGlass(List.of("oncall"), "  ", List.of("SELECT")), NOW))
                .isEqualTo(new PolicyDecision.Deny("break-glass needs a reason", List.of("oncall-break-glass")));
    }

    @Test
    void breakGlass_whereNoBreakGlassRuleApplies_denies_andIsIgnoredForOrdinaryRequests() {
        PolicySet policies = load(TABLES, SECRETS_NEED_TWO, BREAK_GLASS);

        assertThat(policies.evaluate(breakGlass(List.of("support"), "urgent", List.of("SELECT")), NOW))
                .isEqualTo(new PolicyDecision.Deny("no break-glass rule allows SELECT on ssn on postgres"
                        + " crm.public.customers; ask without break-glass", List.of(PolicySet.DEFAULT_DENY)));
        PolicyRequest ordinary = new PolicyRequest("r", new Requester("olga", List.of("oncall")), "postgres",
                "crm.public.customers", List.of("SELECT"), List.of("ssn"), "urgent", null, Duration.ofHours(1), false);
        assertThat(policies.evaluate(ordinary, NOW)).isInstanceOf(PolicyDecision.Require.class);
    }

    @Test
    void breakGlass_neverOverridesADeny() {
        PolicySet policies = load(TABLES, BREAK_GLASS, """
                rules:
                  - name: no-delete
                    target: postgres
                    table: crm.public.*
                    actions: [DELETE]
                    outcome: deny
                    reason: no deleting
                """);

        assertThat(policies.evaluate(breakGlass(List.of("oncall"), "urgent", List.of("SELECT", "DELETE")), NOW))
                .isEqualTo(new PolicyDecision.Deny("no deleting", List.of("no-delete")));
    }
}
