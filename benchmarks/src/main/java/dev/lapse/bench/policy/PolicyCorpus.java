package dev.lapse.bench.policy;

import dev.lapse.policy.rules.PolicyLoad;
import dev.lapse.policy.rules.PolicyRequest;
import dev.lapse.policy.rules.PolicySet;
import dev.lapse.policy.rules.PolicySource;
import dev.lapse.policy.rules.Requester;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A large, realistic policy set, generated: {@code databases} databases with a tagged customers table each, and ten
 * rules per database of every kind the format has (approve, require with two tiers, deny, break-glass; column names,
 * column tags, excluded tags; CEL conditions), so 100 databases make 1,000 rules. The benchmark's request reads
 * three non-secret columns of one database's customers: the rules whose table pattern may match are looked at
 * (the set files them by the literal start of their pattern: that database's ten), two of them apply (one through
 * its CEL condition), and the request is approved.
 */
public final class PolicyCorpus {

    /** The moment every decision is taken at. */
    public static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    private PolicyCorpus() {
    }

    /** The policy set with {@code rules} rules (a multiple of ten). */
    public static PolicySet load(int rules) {
        if (rules < 10 || rules % 10 != 0) {
            throw new IllegalArgumentException("rules must be a positive multiple of 10, got " + rules);
        }
        PolicyLoad load = PolicySet.load(List.of(new PolicySource("corpus.yaml", yaml(rules / 10))));
        if (load instanceof PolicyLoad.Failed failed) {
            throw new IllegalStateException("the generated corpus does not load: " + failed.errors());
        }
        return ((PolicyLoad.Loaded) load).policies();
    }

    /** alice (support) asks to read id, email and region of the middle database's customers, for 30 minutes. */
    public static PolicyRequest request(int rules) {
        return new PolicyRequest("bench-1", new Requester("alice", List.of("support")), "postgres",
                "db" + (rules / 20) + ".public.customers", List.of("SELECT"), List.of("id", "email", "region"),
                "INC-42: customer cannot log in", "INC-42", Duration.ofMinutes(30), false);
    }

    static String yaml(int databases) {
        StringBuilder yaml = new StringBuilder("tables:\n");
        for (int d = 0; d < databases; d++) {
            yaml.append("""
                      db%1$d.public.customers:
                        columns: {id: [], email: [pii], region: [], ssn: [secret], card_number: [secret]}
                    """.formatted(d));
        }
        yaml.append("rules:\n");
        for (int d = 0; d < databases; d++) {
            yaml.append("""
                      - {name: db%1$d-read, target: postgres, table: 'db%1$d.public.*', actions: [SELECT],
                         excludeTags: [secret], outcome: approve, maxDuration: 1h}
                      - name: db%1$d-read-secrets
                        target: postgres
                        table: 'db%1$d.public.*'
                        actions: [SELECT]
                        tags: [secret]
                        outcome: require
                        approvals: [{count: 1, groups: [support]}, {count: 1, groups: [data-owners]}]
                        pendingTimeout: 4h
                      - {name: db%1$d-no-delete, target: postgres, table: 'db%1$d.*', actions: [DELETE, TRUNCATE],
                         outcome: deny, reason: erasure goes through its own process}
                      - name: db%1$d-break-glass
                        target: postgres
                        table: 'db%1$d.public.*'
                        actions: [SELECT]
                        when: "'oncall' in requester.groups && request.ticket.startsWith('INC-')"
                        outcome: break-glass
                        maxDuration: 30m
                      - {name: db%1$d-orders, target: postgres, table: db%1$d.public.orders, actions: [SELECT],
                         columns: [id, amount], when: "'support' in requester.groups", outcome: approve}
                      - {name: db%1$d-notes, target: postgres, table: db%1$d.public.notes, actions: [INSERT],
                         outcome: approve, maxDuration: 2h}
                      - name: db%1$d-correct-email
                        target: postgres
                        table: db%1$d.public.customers
                        actions: [UPDATE]
                        columns: [email]
                        outcome: require
                        approvals: [{count: 1, groups: [data-owners]}]
                      - {name: db%1$d-analytics, target: postgres, table: 'db%1$d.analytics.*', actions: [SELECT],
                         when: "duration <= duration('2h')", outcome: approve}
                      - {name: db%1$d-secrets-support-only, target: postgres, table: db%1$d.public.customers,
                         actions: [SELECT], tags: [secret], outcome: deny, reason: secrets are for support,
                         when: "!('support' in requester.groups)"}
                      - {name: db%1$d-incident-columns, target: postgres, table: 'db%1$d.public.cust*',
                         actions: [SELECT], columns: [id, 'reg*'], when: "request.ticket.startsWith('INC-')",
                         outcome: approve, maxDuration: 1h}
                    """.formatted(d));
        }
        return yaml.toString();
    }
}
