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

    private static final PrivilegeRole SELECT_ID_EMAIL = new PrivilegeRole(TABLE, TableAction.SELECT,
            columns("id", "email"));

    @Test
    void aNewGrantMakesTheSharedPrivilegeRoleAndGivesTheGrantRoleOnlyItsMembership() {
        String shared = SELECT_ID_EMAIL.role().name();
        Plan plan = new Plan(ROLE, TABLE, SqlIdentifier.of("alice"), EnumSet.of(TableAction.SELECT),
                columns("id", "email"), null, false, false, false, List.of(), Set.of(), List.of(),
                "{\"a\":\"it's\"}");
        List<SqlStatement> statements = GrantStatements.provision(plan);
        assertThat(statements).extracting(SqlStatement::sql).containsExactly(
                "CREATE ROLE \"lapse_g_abc\" NOLOGIN",
                "CREATE ROLE \"" + shared + "\" NOLOGIN",
                "GRANT SELECT (\"id\", \"email\") ON TABLE \"public\".\"customers\" TO \"" + shared + "\"",
                "COMMENT ON ROLE \"" + shared + "\" IS '{\"lapse\":\"privilege\",\"database\":\"crm\","
                        + "\"table\":\"crm.public.customers\",\"action\":\"SELECT\",\"columns\":[\"email\",\"id\"]}'",
                "GRANT \"" + shared + "\" TO \"lapse_g_abc\"",
                "GRANT \"lapse_g_abc\" TO \"alice\"",
                "COMMENT ON ROLE \"lapse_g_abc\" IS '{\"a\":\"it''s\"}'");
        assertThat(statements).extracting(SqlStatement::done).containsExactly(
                "CREATE ROLE lapse_g_abc NOLOGIN",
                "CREATE ROLE " + shared + " NOLOGIN (shared privilege role)",
                "GRANT SELECT (id, email) ON crm.public.customers TO " + shared + " (shared)",
                null,
                "GRANT " + shared + " TO lapse_g_abc",
                "GRANT lapse_g_abc TO alice",
                null);
        assertThat(statements).extracting(SqlStatement::sql)
                .noneMatch(sql -> sql.startsWith("GRANT SELECT") && sql.endsWith("TO \"lapse_g_abc\""));
    }

    @Test
    void aPrivilegeRoleIsNamedByTheHashOfTableActionAndSortedColumns() throws Exception {
        assertThat(SELECT_ID_EMAIL.canonicalText())
                .isEqualTo("\"crm\".\"public\".\"customers\"\nSELECT\n\"email\",\"id\"");
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(
                SELECT_ID_EMAIL.canonicalText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(SELECT_ID_EMAIL.role().name()).hasSize(48)
                .isEqualTo("lapse_p_" + java.util.HexFormat.of().formatHex(digest).substring(0, 40));
        assertThat(new PrivilegeRole(TABLE, TableAction.SELECT, columns("email", "id", "email")).role())
                .isEqualTo(SELECT_ID_EMAIL.role());
        assertThat(new PrivilegeRole(TABLE, TableAction.SELECT, columns("id")).role())
                .isNotEqualTo(SELECT_ID_EMAIL.role());
        assertThat(new PrivilegeRole(TABLE, TableAction.UPDATE, columns("id", "email")).role())
                .isNotEqualTo(SELECT_ID_EMAIL.role());
        assertThat(new PrivilegeRole(TableName.parse("crm.public.customers2"), TableAction.SELECT,
                columns("id", "email")).role()).isNotEqualTo(SELECT_ID_EMAIL.role());
        // a name holding the separators cannot make two privileges one text
        assertThat(new PrivilegeRole(TABLE, TableAction.SELECT, columns("a\",\"b")).role())
                .isNotEqualTo(new PrivilegeRole(TABLE, TableAction.SELECT, columns("a", "b")).role());
        PrivilegeRole delete = new PrivilegeRole(TABLE, TableAction.DELETE, columns("id"));
        assertThat(delete.columns()).isEmpty();
        assertThat(delete.role()).isEqualTo(new PrivilegeRole(TABLE, TableAction.DELETE, List.of()).role());
        assertThatThrownBy(() -> new PrivilegeRole(TABLE, TableAction.INSERT, List.of()))
                .hasMessageContaining("per column");
    }

    @Test
    void anExistingPrivilegeRoleIsConvergedNotCreated() {
        SqlIdentifier shared = SELECT_ID_EMAIL.role();
        Plan plan = new Plan(ROLE, TABLE, SqlIdentifier.of("alice"), EnumSet.of(TableAction.SELECT),
                columns("email", "id"), null, false, true, false, List.of(), Set.of(shared), List.of(), "{}");
        assertThat(GrantStatements.provision(plan)).extracting(SqlStatement::sql).containsSubsequence(
                "CREATE ROLE \"lapse_g_abc\" NOLOGIN",
                "REVOKE ALL ON TABLE \"public\".\"customers\" FROM " + shared.quoted(),
                "GRANT USAGE ON SCHEMA \"public\" TO " + shared.quoted(),
                "GRANT SELECT (\"email\", \"id\") ON TABLE \"public\".\"customers\" TO " + shared.quoted(),
                "GRANT " + shared.quoted() + " TO \"lapse_g_abc\"")
                .doesNotContain("CREATE ROLE " + shared.quoted() + " NOLOGIN");
    }

    @Test
    void anExistingRoleIsResetThenGrantedExactly() {
        SqlIdentifier select = new PrivilegeRole(TABLE, TableAction.SELECT, columns("email")).role();
        SqlIdentifier update = new PrivilegeRole(TABLE, TableAction.UPDATE, columns("email")).role();
        SqlIdentifier delete = new PrivilegeRole(TABLE, TableAction.DELETE, List.of()).role();
        SqlIdentifier stale = new PrivilegeRole(TABLE, TableAction.SELECT, columns("ssn")).role();
        Plan plan = new Plan(ROLE, TABLE, SqlIdentifier.of("alice"),
                EnumSet.of(TableAction.UPDATE, TableAction.DELETE, TableAction.SELECT), columns("email"),
                RowFilter.parse("region = 'EU'"), true, true, true, List.of(SqlIdentifier.of("mallory")),
                Set.of(select, update, delete), List.of(select, stale), "{}");
        List<SqlStatement> statements = GrantStatements.provision(plan);
        List<String> sql = statements.stream().map(SqlStatement::sql).filter(s -> !s.startsWith("COMMENT ON ROLE \"lapse_p_"))
                .toList();
        assertThat(sql).containsExactly(
                "ALTER ROLE \"lapse_g_abc\" NOLOGIN",
                "REVOKE ALL ON TABLE \"public\".\"customers\" FROM \"lapse_g_abc\"",
                "DROP POLICY IF EXISTS \"lapse_g_abc_select\" ON \"public\".\"customers\"",
                "DROP POLICY IF EXISTS \"lapse_g_abc_insert\" ON \"public\".\"customers\"",
                "DROP POLICY IF EXISTS \"lapse_g_abc_update\" ON \"public\".\"customers\"",
                "DROP POLICY IF EXISTS \"lapse_g_abc_delete\" ON \"public\".\"customers\"",
                "REVOKE " + stale.quoted() + " FROM \"lapse_g_abc\"",
                "REVOKE ALL ON TABLE \"public\".\"customers\" FROM " + select.quoted(),
                "GRANT USAGE ON SCHEMA \"public\" TO " + select.quoted(),
                "GRANT SELECT (\"email\") ON TABLE \"public\".\"customers\" TO " + select.quoted(),
                "GRANT " + select.quoted() + " TO \"lapse_g_abc\"",
                "REVOKE ALL ON TABLE \"public\".\"customers\" FROM " + update.quoted(),
                "GRANT USAGE ON SCHEMA \"public\" TO " + update.quoted(),
                "GRANT UPDATE (\"email\") ON TABLE \"public\".\"customers\" TO " + update.quoted(),
                "GRANT " + update.quoted() + " TO \"lapse_g_abc\"",
                "REVOKE ALL ON TABLE \"public\".\"customers\" FROM " + delete.quoted(),
                "GRANT USAGE ON SCHEMA \"public\" TO " + delete.quoted(),
                "GRANT DELETE ON TABLE \"public\".\"customers\" TO " + delete.quoted(),
                "GRANT " + delete.quoted() + " TO \"lapse_g_abc\"",
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
        assertThat(statements).extracting(SqlStatement::done).contains(
                "REVOKE " + stale.name() + " FROM lapse_g_abc",
                "GRANT DELETE ON crm.public.customers TO " + delete.name()
                        + " (shared) (table-level: whole rows, limited by the grant's row policy)");
    }

    @Test
    void aTableWithRowSecurityGetsAnAllRowsPolicyWithoutFilter() {
        Plan plan = new Plan(ROLE, TABLE, SqlIdentifier.of("alice"), EnumSet.of(TableAction.INSERT),
                columns("id"), null, true, false, false, List.of(), Set.of(), List.of(), "{}");
        assertThat(GrantStatements.provision(plan)).extracting(SqlStatement::sql).contains(
                "CREATE POLICY \"lapse_g_abc_insert\" ON \"public\".\"customers\" AS PERMISSIVE FOR INSERT TO"
                        + " \"lapse_g_abc\" WITH CHECK (true)");
    }

    @Test
    void aFilterWithoutRowSecurityCannotBePlanned() {
        assertThatThrownBy(() -> new Plan(ROLE, TABLE, SqlIdentifier.of("alice"), EnumSet.of(TableAction.SELECT),
                columns("id"), RowFilter.parse("id = 1"), false, false, false, List.of(), Set.of(), List.of(), "{}"))
                .hasMessageContaining("row-level security");
    }

    @Test
    void hostileNamesAreQuotedEverywhere() {
        TableName table = TableName.parse("crm.\"x\"\"; DROP TABLE t; --\".Kunden");
        Plan plan = new Plan(ROLE, table, SqlIdentifier.of("bob\"; DROP ROLE postgres; --"),
                EnumSet.of(TableAction.SELECT), columns("e\"mail"), null, false, false, false, List.of(), Set.of(),
                List.of(), "{}");
        String shared = new PrivilegeRole(table, TableAction.SELECT, columns("e\"mail")).role().quoted();
        assertThat(GrantStatements.provision(plan)).extracting(SqlStatement::sql).contains(
                "GRANT SELECT (\"e\"\"mail\") ON TABLE \"x\"\"; DROP TABLE t; --\".\"Kunden\" TO " + shared,
                "COMMENT ON ROLE " + shared + " IS '{\"lapse\":\"privilege\",\"database\":\"crm\",\"table\":"
                        + "\"crm.x\\\"; DROP TABLE t; --.Kunden\",\"action\":\"SELECT\",\"columns\":[\"e\\\"mail\"]}'",
                "GRANT \"lapse_g_abc\" TO \"bob\"\"; DROP ROLE postgres; --\"");
    }

    @Test
    void withdrawalRevokesDropsPoliciesThenTheRole() {
        Holdings holdings = new Holdings(List.of(TABLE),
                List.of(new TablePolicy(TABLE, SqlIdentifier.of("lapse_g_abc_select"))),
                List.of(SqlIdentifier.of("public")), List.of(SELECT_ID_EMAIL.role()));
        assertThat(GrantStatements.revoke(ROLE, holdings)).extracting(SqlStatement::sql).containsExactly(
                "REVOKE " + SELECT_ID_EMAIL.role().quoted() + " FROM \"lapse_g_abc\"",
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
