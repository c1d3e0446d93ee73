package dev.lapse.grant.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.grant.target.postgres.GrantStatements.Holdings;
import dev.lapse.grant.target.postgres.GrantStatements.Plan;
import dev.lapse.grant.target.postgres.GrantStatements.TablePolicy;
import dev.lapse.grant.target.postgres.MaskedView.ClearGrant;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostgresGrantStatementsTest {

    private static final SqlIdentifier ROLE = SqlIdentifier.of("lapse_g_abc");
    private static final TableName TABLE = TableName.parse("crm.public.customers");

    private static List<SqlIdentifier> columns(String... names) {
        return java.util.Arrays.stream(names).map(SqlIdentifier::of).toList();
    }

    @Test
    void aNewGrantCreatesTheRoleGrantsColumnsAndTheRole() {
        Plan plan = new Plan(ROLE, TABLE, SqlIdentifier.of("alice"), EnumSet.of(TableAction.SELECT),
                columns("id", "email"), null, false, false, false, List.of(), "{\"a\":\"it's\"}");
        List<SqlStatement> statements = GrantStatements.provision(plan);
        assertThat(statements).extracting(SqlStatement::sql).containsExactly(
                "CREATE ROLE \"lapse_g_abc\" NOLOGIN",
                "GRANT SELECT (\"id\", \"email\") ON TABLE \"public\".\"customers\" TO \"lapse_g_abc\"",
                "GRANT \"lapse_g_abc\" TO \"alice\"",
                "COMMENT ON ROLE \"lapse_g_abc\" IS '{\"a\":\"it''s\"}'");
        assertThat(statements).extracting(SqlStatement::done).containsExactly(
                "CREATE ROLE lapse_g_abc NOLOGIN",
                "GRANT SELECT (id, email) ON crm.public.customers TO lapse_g_abc",
                "GRANT lapse_g_abc TO alice",
                null);
    }

    @Test
    void anExistingRoleIsResetThenGrantedExactly() {
        Plan plan = new Plan(ROLE, TABLE, SqlIdentifier.of("alice"),
                EnumSet.of(TableAction.UPDATE, TableAction.DELETE, TableAction.SELECT), columns("email"),
                RowFilter.parse("region = 'EU'"), true, true, true, List.of(SqlIdentifier.of("mallory")), "{}");
        List<String> sql = GrantStatements.provision(plan).stream().map(SqlStatement::sql).toList();
        assertThat(sql).containsExactly(
                "ALTER ROLE \"lapse_g_abc\" NOLOGIN",
                "REVOKE ALL ON TABLE \"public\".\"customers\" FROM \"lapse_g_abc\"",
                "DROP POLICY IF EXISTS \"lapse_g_abc_select\" ON \"public\".\"customers\"",
                "DROP POLICY IF EXISTS \"lapse_g_abc_insert\" ON \"public\".\"customers\"",
                "DROP POLICY IF EXISTS \"lapse_g_abc_update\" ON \"public\".\"customers\"",
                "DROP POLICY IF EXISTS \"lapse_g_abc_delete\" ON \"public\".\"customers\"",
                "GRANT USAGE ON SCHEMA \"public\" TO \"lapse_g_abc\"",
                "GRANT SELECT (\"email\") ON TABLE \"public\".\"customers\" TO \"lapse_g_abc\"",
                "GRANT UPDATE (\"email\") ON TABLE \"public\".\"customers\" TO \"lapse_g_abc\"",
                "GRANT DELETE ON TABLE \"public\".\"customers\" TO \"lapse_g_abc\"",
                "CREATE POLICY \"lapse_g_abc_select\" ON \"public\".\"customers\" AS PERMISSIVE FOR SELECT TO"
                        + " \"lapse_g_abc\" USING ((\"region\" = 'EU'))",
                "CREATE POLICY \"lapse_g_abc_update\" ON \"public\".\"customers\" AS PERMISSIVE FOR UPDATE TO"
                        + " \"lapse_g_abc\" USING ((\"region\" = 'EU')) WITH CHECK ((\"region\" = 'EU'))",
                "CREATE POLICY \"lapse_g_abc_delete\" ON \"public\".\"customers\" AS PERMISSIVE FOR DELETE TO"
                        + " \"lapse_g_abc\" USING ((\"region\" = 'EU'))",
                "REVOKE \"lapse_g_abc\" FROM \"mallory\"",
                "GRANT \"lapse_g_abc\" TO \"alice\"",
                "COMMENT ON ROLE \"lapse_g_abc\" IS '{}'");
        assertThat(plan.policies()).extracting(SqlIdentifier::name)
                .containsExactly("lapse_g_abc_select", "lapse_g_abc_update", "lapse_g_abc_delete");
    }

    @Test
    void aTableWithRowSecurityGetsAnAllRowsPolicyWithoutFilter() {
        Plan plan = new Plan(ROLE, TABLE, SqlIdentifier.of("alice"), EnumSet.of(TableAction.INSERT),
                columns("id"), null, true, false, false, List.of(), "{}");
        assertThat(GrantStatements.provision(plan)).extracting(SqlStatement::sql).contains(
                "CREATE POLICY \"lapse_g_abc_insert\" ON \"public\".\"customers\" AS PERMISSIVE FOR INSERT TO"
                        + " \"lapse_g_abc\" WITH CHECK (true)");
    }

    @Test
    void aFilterWithoutRowSecurityCannotBePlanned() {
        assertThatThrownBy(() -> new Plan(ROLE, TABLE, SqlIdentifier.of("alice"), EnumSet.of(TableAction.SELECT),
                columns("id"), RowFilter.parse("id = 1"), false, false, false, List.of(), "{}"))
                .hasMessageContaining("row-level security");
    }

    @Test
    void hostileNamesAreQuotedEverywhere() {
        TableName table = TableName.parse("crm.\"x\"\"; DROP TABLE t; --\".Kunden");
        Plan plan = new Plan(ROLE, table, SqlIdentifier.of("bob\"; DROP ROLE postgres; --"),
                EnumSet.of(TableAction.SELECT), columns("e\"mail"), null, false, false, false, List.of(), "{}");
        assertThat(GrantStatements.provision(plan)).extracting(SqlStatement::sql).contains(
                "GRANT SELECT (\"e\"\"mail\") ON TABLE \"x\"\"; DROP TABLE t; --\".\"Kunden\" TO \"lapse_g_abc\"",
                "GRANT \"lapse_g_abc\" TO \"bob\"\"; DROP ROLE postgres; --\"");
    }

    @Test
    void withdrawalRevokesDropsPoliciesThenTheRole() {
        Holdings holdings = new Holdings(List.of(TABLE),
                List.of(new TablePolicy(TABLE, SqlIdentifier.of("lapse_g_abc_select"))),
                List.of(SqlIdentifier.of("public")));
        assertThat(GrantStatements.revoke(ROLE, holdings)).extracting(SqlStatement::sql).containsExactly(
                "REVOKE ALL ON TABLE \"public\".\"customers\" FROM \"lapse_g_abc\"",
                "DROP POLICY IF EXISTS \"lapse_g_abc_select\" ON \"public\".\"customers\"",
                "REVOKE ALL ON SCHEMA \"public\" FROM \"lapse_g_abc\"");
        assertThat(GrantStatements.drop(ROLE, List.of(SqlIdentifier.of("alice")))).extracting(SqlStatement::sql)
                .containsExactly("REVOKE \"lapse_g_abc\" FROM \"alice\"", "DROP ROLE \"lapse_g_abc\"");
    }

    @Test
    void aMaskedViewWithoutRowSecurityAsksThePrivilegeLive() {
        MaskedView view = new MaskedView(TABLE, SqlIdentifier.of("lapse_masked"), columns("id", "email", "ssn"),
                Map.of("email", MaskRule.parse("partial-email")), false, List.of());
        assertThat(view.createOrReplace())
                .startsWith("CREATE OR REPLACE VIEW \"lapse_masked\".\"customers\" WITH (security_barrier = true) AS"
                        + " SELECT CASE WHEN pg_catalog.has_column_privilege('\"public\".\"customers\"', 'id', 'SELECT')"
                        + " THEN \"id\" ELSE NULL END AS \"id\", CASE WHEN pg_catalog.has_column_privilege(")
                .contains("THEN \"email\"::text ELSE CASE WHEN position('@' in \"email\"::text)")
                .endsWith(" FROM \"public\".\"customers\"");
    }

    @Test
    void aMaskedViewWithRowSecurityIsExactPerColumnAndGrant() {
        MaskedView view = new MaskedView(TABLE, SqlIdentifier.of("lapse_masked"), columns("name", "email"), Map.of(),
                true, List.of(
                        new ClearGrant(SqlIdentifier.of("lapse_g_1"), Set.of("email"), RowFilter.parse("region='EU'")),
                        new ClearGrant(SqlIdentifier.of("lapse_g_2"), Set.of("name", "email"), null)));
        String member1 = "EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = 'lapse_g_1' AND"
                + " pg_catalog.pg_has_role(current_user, r.oid, 'USAGE'))";
        String member2 = member1.replace("lapse_g_1", "lapse_g_2");
        assertThat(view.clearCondition(SqlIdentifier.of("email")))
                .isEqualTo("((" + member1 + " AND (\"region\" = 'EU')) OR (" + member2 + "))");
        assertThat(view.clearCondition(SqlIdentifier.of("name"))).isEqualTo("((" + member2 + "))");
        MaskedView none = new MaskedView(TABLE, SqlIdentifier.of("lapse_masked"), columns("name"), Map.of(), true,
                List.of());
        assertThat(none.clearCondition(SqlIdentifier.of("name"))).isEqualTo("false");
    }

    @Test
    void theRoleCommentRoundTrips() {
        GrantComment comment = new GrantComment("req-1", "alice", "crm", "public", "customers",
                Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-01T10:30:00Z"), List.of("SELECT"),
                List.of("id", "email"), List.of("lapse_g_abc_select"), "name = 'O''Brien \"x\"\\'");
        assertThat(GrantComment.parse(comment.toJson())).contains(comment);
        assertThat(GrantComment.parse(null)).isEmpty();
        assertThat(GrantComment.parse("set by hand")).isEmpty();
        assertThat(GrantComment.parse("{\"requestId\":\"r\"}")).isEmpty();
        assertThat(GrantComment.parse(comment.toJson().replace("2026-01-01T10:30:00Z", "soon"))).isEmpty();
    }

    @Test
    void requesterRolesComeFromMappingsThenTheTemplate() {
        RequesterRoles roles = new RequesterRoles("{local}",
                List.of(new PostgresTargetSettings.RoleMapping("bob@example.com", "robert")));
        assertThat(roles.roleOf("alice@example.com").name()).isEqualTo("alice");
        assertThat(roles.roleOf("bob@example.com").name()).isEqualTo("robert");
        assertThat(roles.roleOf("carol").name()).isEqualTo("carol");
        assertThat(new RequesterRoles("u_{id}", List.of()).roleOf("a@b").name()).isEqualTo("u_a@b");
        assertThatThrownBy(() -> roles.roleOf("@example.com")).hasMessageContaining("empty");
    }
}
