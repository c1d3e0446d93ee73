package dev.lapse.policy.rules;

import static dev.lapse.policy.rules.Policies.TABLES;
import static dev.lapse.policy.rules.Policies.errors;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadErrorsTest {

    private static final String GOOD_RULE = """
            rules:
              - name: read
                target: postgres
                table: crm.public.*
                actions: [SELECT]
                excludeTags: [secret]
                outcome: approve
            """;

    @Test
    void unknownKey_isReportedWithFileAndLine() {
        List<LoadError> errors = errors(TABLES, """
                rules:
                  - name: read
                    target: postgres
                    table: crm.public.*
                    actions: [SELECT]
                    outcom: approve
                """);

        assertThat(errors).extracting(LoadError::file, LoadError::line).contains(
                org.assertj.core.groups.Tuple.tuple("b.yaml", 6), org.assertj.core.groups.Tuple.tuple("b.yaml", 2));
        assertThat(errors).extracting(LoadError::message).contains(
                "unknown key 'outcom' in a rule; known keys: actions, approvals, columns, description, excludeTags, maxDuration,"
                        + " name, outcome, pendingTimeout, reason, table, tags, target, when",
                "missing required key 'outcome' in a rule");
    }

    @Test
    void brokenCel_isReportedAtItsLine_insideABlockScalarToo() {
        List<LoadError> errors = errors(TABLES, """
                rules:
                  - name: inline
                    target: postgres
                    table: crm.public.*
                    actions: [SELECT]
                    when: "requester.groups.exists(g, g == 'a') &&"
                    outcome: approve
                  - name: block
                    target: postgres
                    table: crm.public.*
                    actions: [SELECT]
                    when: |
                      'support' in requester.groups
                        && unknown_variable > 3
                    outcome: approve
                """);

        assertThat(errors).hasSize(2);
        assertThat(errors.get(0).line()).isEqualTo(6);
        assertThat(errors.get(0).message()).startsWith("bad condition 'requester.groups.exists(g, g == 'a') &&': ");
        assertThat(errors.get(1).line()).isEqualTo(14);
        assertThat(errors.get(1).message()).contains("undeclared reference to 'unknown_variable'");
    }

    @Test
    void conditionThatIsNoBoolean_isRefused() {
        List<LoadError> errors = errors(TABLES, GOOD_RULE.replace("outcome: approve",
                "when: request.columns.size()\n    outcome: approve"));

        assertThat(errors).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(7);
            assertThat(error.message()).isEqualTo("condition must give true or false, but gives int");
        });
    }

    @Test
    void badGlob_missingReason_unknownOutcome_badDuration_areAllReported() {
        List<LoadError> errors = errors(TABLES, """
                rules:
                  - name: a
                    target: postgres
                    table: crm.public.[x]
                    actions: [SELECT]
                    outcome: approve
                    maxDuration: an hour
                  - name: b
                    target: postgres
                    table: crm.*
                    actions: [DELETE]
                    outcome: deny
                  - name: c
                    target: postgres
                    table: crm.*
                    actions: [DELETE]
                    outcome: maybe
                """);

        assertThat(errors).extracting(LoadError::toString).containsExactly(
                "b.yaml:4: table: bad glob 'crm.public.[x]': only letters, digits, '_', '.', '$', '-' and the"
                        + " wildcards '*' and '?' are allowed",
                "b.yaml:7: bad duration 'an hour': write a positive duration like 30m, 1h, 2h30m, 1d or PT1H",
                "b.yaml:8: a deny rule needs a reason (the requester sees it)",
                "b.yaml:17: unknown outcome 'maybe': approve, deny, require or break-glass");
    }

    @Test
    void requireWithoutApprovals_andApprovalsWithoutRequire_areRefused() {
        List<LoadError> errors = errors(TABLES, """
                rules:
                  - name: a
                    target: postgres
                    table: crm.*
                    actions: [SELECT]
                    outcome: require
                  - name: b
                    target: postgres
                    table: crm.*
                    actions: [SELECT]
                    outcome: approve
                    approvals: [{count: 0, groups: [x]}]
                """);

        assertThat(errors).extracting(LoadError::toString).containsExactly(
                "b.yaml:2: a require rule needs approvals: a list of tiers, each with count and groups",
                "b.yaml:12: approvals belong to outcome require, not approve");
    }

    @Test
    void unknownTag_duplicateRuleAcrossFiles_andInvalidYaml_areRefused() {
        List<LoadError> errors = errors(TABLES, GOOD_RULE.replace("[secret]", "[secrets]"), GOOD_RULE,
                "rules: [ {name: x\n");

        assertThat(errors).extracting(LoadError::toString).containsExactly(
                "c.yaml:2: duplicate rule 'read', already defined at b.yaml:2",
                "d.yaml:2: not valid YAML: expected ',' or '}', but got <stream end>",
                "b.yaml:6: unknown tag 'secrets' in excludeTags: no column of any table carries it");
    }

    @Test
    void reload_thatFails_keepsThePreviousSet(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("tables.yaml"), TABLES);
        Files.writeString(directory.resolve("rules.yaml"), GOOD_RULE);
        CurrentPolicies current = ((CurrentPolicies.Result.Opened) CurrentPolicies.open(directory)).policies();
        PolicySet before = current.get();

        Files.writeString(directory.resolve("rules.yaml"), GOOD_RULE.replace("outcome: approve", "outcome: yes"));
        List<LoadError> errors = current.reload();

        assertThat(errors).extracting(LoadError::toString)
                .containsExactly("rules.yaml:7: unknown outcome 'yes': approve, deny, require or break-glass");
        assertThat(current.get()).isSameAs(before);
        assertThat(current.get().evaluate(Policies.select("email"), Instant.EPOCH))
                .isInstanceOf(PolicyDecision.Approve.class);

        Files.writeString(directory.resolve("rules.yaml"), GOOD_RULE.replace("outcome: approve",
                "outcome: deny\n    reason: closed for today"));
        assertThat(current.reload()).isEmpty();
        assertThat(current.get().evaluate(Policies.select("email"), Instant.EPOCH))
                .isEqualTo(new PolicyDecision.Deny("closed for today", List.of("read")));
    }

    @Test
    void directoryWithoutPolicyFiles_isRefused(@TempDir Path directory) {
        assertThat(PolicySet.load(directory)).isEqualTo(new PolicyLoad.Failed(List.of(
                new LoadError(directory.toString(), 0, "no policy files (*.yaml)"))));
    }
}
