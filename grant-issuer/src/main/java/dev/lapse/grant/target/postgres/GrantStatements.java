package dev.lapse.grant.target.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The statements that put one grant in place on one table, or take it away: pure text, no JDBC. The caller runs them
 * in one transaction on the table's database.
 */
public final class GrantStatements {

    private GrantStatements() {
    }

    /** The grant role of a grant id: {@code lapse_g_<id>}, ids restricted so the role and its policies fit 63 bytes. */
    public static SqlIdentifier roleOf(String grantId) {
        if (!grantId.matches("[0-9a-z_]{1,48}")) {
            throw new IllegalArgumentException("a grant id is up to 48 characters of 0-9, a-z and _, got '"
                    + grantId + "'");
        }
        return SqlIdentifier.of("lapse_g_" + grantId);
    }

    /**
     * A grant as planned, after every check passed.
     *
     * @param roleExists whether the grant role is there already (then it is reset to exactly this grant)
     * @param otherMembers roles other than the requester that hold the grant role (a converging re-run removes them)
     * @param rowSecurity whether the table has row-level security (then every action gets a policy)
     * @param schemaUsage whether the privilege roles get USAGE on the schema (the admin can grant it)
     * @param existingPrivilegeRoles the privilege roles of the plan that are in the catalog already
     * @param heldPrivilegeRoles the privilege roles the grant role is a member of now (those the plan does not want
     *     are revoked)
     */
    public record Plan(SqlIdentifier role, TableName table, SqlIdentifier requester, Set<TableAction> actions,
            List<SqlIdentifier> columns, @Nullable RowFilter filter, boolean rowSecurity, boolean schemaUsage,
            boolean roleExists, List<SqlIdentifier> otherMembers, Set<SqlIdentifier> existingPrivilegeRoles,
            List<SqlIdentifier> heldPrivilegeRoles, String comment) {

        public Plan {
            actions = Set.copyOf(actions);
            columns = List.copyOf(columns);
            otherMembers = List.copyOf(otherMembers);
            existingPrivilegeRoles = Set.copyOf(existingPrivilegeRoles);
            heldPrivilegeRoles = List.copyOf(heldPrivilegeRoles);
            if (filter != null && !rowSecurity) {
                throw new IllegalArgumentException("a row filter needs row-level security on " + table);
            }
        }

        /** The policies the grant gets (none on a table without row-level security). */
        public List<SqlIdentifier> policies() {
            return rowSecurity ? ordered(actions).stream().map(a -> a.policyOf(role)).toList() : List.of();
        }

        /** The shared privilege roles the grant role becomes a member of, one per action, in action order. */
        public List<PrivilegeRole> privilegeRoles() {
            return ordered(actions).stream().map(a -> new PrivilegeRole(table, a, columns)).toList();
        }
    }

    /**
     * Everything that puts the plan in place, converging from whatever the grant role holds now: the grant role
     * holds no table privilege itself but is made a member of one shared privilege role per action (created when
     * missing, its privilege re-granted exactly), gets its row policies, and is granted to the requester.
     */
    public static List<SqlStatement> provision(Plan plan) {
        List<SqlStatement> statements = new ArrayList<>();
        String role = plan.role().quoted();
        String table = plan.table().quoted();
        String tableText = plan.table().toString();
        List<PrivilegeRole> privilegeRoles = plan.privilegeRoles();
        Set<SqlIdentifier> wanted = privilegeRoles.stream().map(PrivilegeRole::role).collect(Collectors.toSet());
        if (plan.roleExists()) {
            statements.add(new SqlStatement("ALTER ROLE " + role + " NOLOGIN", null));
            // a grant role made before privilege roles (or changed by hand) may hold privileges itself
            statements.add(new SqlStatement("REVOKE ALL ON TABLE " + table + " FROM " + role, null));
            for (TableAction action : TableAction.values()) {
                statements.add(new SqlStatement(
                        "DROP POLICY IF EXISTS " + action.policyOf(plan.role()).quoted() + " ON " + table, null));
            }
            for (SqlIdentifier held : plan.heldPrivilegeRoles()) {
                if (!wanted.contains(held)) {
                    statements.add(new SqlStatement("REVOKE " + held.quoted() + " FROM " + role,
                            "REVOKE " + held.name() + " FROM " + plan.role().name()));
                }
            }
        } else {
            statements.add(new SqlStatement("CREATE ROLE " + role + " NOLOGIN",
                    "CREATE ROLE " + plan.role().name() + " NOLOGIN"));
        }
        String columnList = plan.columns().stream().map(SqlIdentifier::quoted).collect(Collectors.joining(", "));
        String columnText = plan.columns().stream().map(SqlIdentifier::name).collect(Collectors.joining(", "));
        String filterText = plan.filter() == null ? "true" : plan.filter().render();
        for (PrivilegeRole privilegeRole : privilegeRoles) {
            TableAction action = privilegeRole.action();
            SqlIdentifier shared = privilegeRole.role();
            if (plan.existingPrivilegeRoles().contains(shared)) {
                // converging: the role holds exactly its privilege, whatever was added to it by hand
                statements.add(new SqlStatement("REVOKE ALL ON TABLE " + table + " FROM " + shared.quoted(), null));
            } else {
                statements.add(new SqlStatement("CREATE ROLE " + shared.quoted() + " NOLOGIN",
                        "CREATE ROLE " + shared.name() + " NOLOGIN (shared privilege role)"));
            }
            if (plan.schemaUsage()) {
                statements.add(new SqlStatement("GRANT USAGE ON SCHEMA " + plan.table().schema().quoted() + " TO "
                        + shared.quoted(), null));
            }
            String privilege = action.columnScoped() ? action.name() + " (" + columnList + ')' : action.name();
            String privilegeText = action.columnScoped() ? action.name() + " (" + columnText + ')' : action.name();
            // PostgreSQL has no column-level DELETE: the grant's line says so, as the decision the requester sees.
            statements.add(new SqlStatement("GRANT " + privilege + " ON TABLE " + table + " TO " + shared.quoted(),
                    "GRANT " + privilegeText + " ON " + tableText + " TO " + shared.name() + " (shared)"
                            + (action.columnScoped() ? "" : " (table-level: whole rows"
                            + (plan.rowSecurity() ? ", limited by the grant's row policy)" : ", every row)"))));
            statements.add(new SqlStatement("COMMENT ON ROLE " + shared.quoted() + " IS "
                    + SqlLiteral.quote(privilegeRole.comment()), null));
            statements.add(new SqlStatement("GRANT " + shared.quoted() + " TO " + role,
                    "GRANT " + shared.name() + " TO " + plan.role().name()));
        }
        for (TableAction action : plan.rowSecurity() ? ordered(plan.actions()) : List.<TableAction>of()) {
            String rows = switch (action) {
                case SELECT, DELETE -> "USING (" + filterText + ')';
                case INSERT -> "WITH CHECK (" + filterText + ')';
                case UPDATE -> "USING (" + filterText + ") WITH CHECK (" + filterText + ')';
            };
            SqlIdentifier policy = action.policyOf(plan.role());
            statements.add(new SqlStatement("CREATE POLICY " + policy.quoted() + " ON " + table + " AS PERMISSIVE FOR "
                    + action.name() + " TO " + role + ' ' + rows,
                    "CREATE POLICY " + policy.name() + " ON " + tableText + " FOR " + action.name() + " TO "
                            + plan.role().name() + ' ' + rows
                            + (plan.filter() == null ? " (row-level security: every row)" : "")));
        }
        for (SqlIdentifier other : plan.otherMembers()) {
            statements.add(new SqlStatement("REVOKE " + role + " FROM " + other.quoted(),
                    "REVOKE " + plan.role().name() + " FROM " + other.name()));
        }
        statements.add(new SqlStatement("GRANT " + role + " TO " + plan.requester().quoted(),
                "GRANT " + plan.role().name() + " TO " + plan.requester().name()));
        statements.add(new SqlStatement("COMMENT ON ROLE " + role + " IS " + SqlLiteral.quote(plan.comment()), null));
        return statements;
    }

    /**
     * What a grant role holds in one database, found in its catalog.
     *
     * @param tables tables the role holds any privilege on (table or column): only roles made before privilege
     *     roles, or changed by hand
     * @param policies policies naming the role, with their tables
     * @param schemas schemas the role holds a privilege on
     * @param privilegeRoles the shared privilege roles the role is a member of
     */
    public record Holdings(List<TableName> tables, List<TablePolicy> policies, List<SqlIdentifier> schemas,
            List<SqlIdentifier> privilegeRoles) {
        public Holdings {
            tables = List.copyOf(tables);
            policies = List.copyOf(policies);
            schemas = List.copyOf(schemas);
            privilegeRoles = List.copyOf(privilegeRoles);
        }
    }

    /** A row policy on a table. */
    public record TablePolicy(TableName table, SqlIdentifier policy) {
    }

    /**
     * What takes a role's holdings in one database away (views and the role itself are the caller's). The shared
     * privilege roles stay: without this member they grant nothing to the requester.
     */
    public static List<SqlStatement> revoke(SqlIdentifier role, Holdings holdings) {
        List<SqlStatement> statements = new ArrayList<>();
        for (SqlIdentifier privilegeRole : holdings.privilegeRoles()) {
            statements.add(new SqlStatement("REVOKE " + privilegeRole.quoted() + " FROM " + role.quoted(),
                    "REVOKE " + privilegeRole.name() + " FROM " + role.name()));
        }
        for (TableName table : holdings.tables()) {
            statements.add(new SqlStatement("REVOKE ALL ON TABLE " + table.quoted() + " FROM " + role.quoted(),
                    "REVOKE ALL ON " + table + " FROM " + role.name()));
        }
        for (TablePolicy policy : holdings.policies()) {
            statements.add(new SqlStatement("DROP POLICY IF EXISTS " + policy.policy().quoted() + " ON "
                    + policy.table().quoted(), "DROP POLICY " + policy.policy().name() + " ON " + policy.table()));
        }
        for (SqlIdentifier schema : holdings.schemas()) {
            statements.add(new SqlStatement("REVOKE ALL ON SCHEMA " + schema.quoted() + " FROM " + role.quoted(),
                    "REVOKE ALL ON SCHEMA " + schema.name() + " FROM " + role.name()));
        }
        return statements;
    }

    /** What ends the role: its memberships revoked, then the role dropped. */
    public static List<SqlStatement> drop(SqlIdentifier role, List<SqlIdentifier> members) {
        List<SqlStatement> statements = new ArrayList<>();
        for (SqlIdentifier member : members) {
            statements.add(new SqlStatement("REVOKE " + role.quoted() + " FROM " + member.quoted(),
                    "REVOKE " + role.name() + " FROM " + member.name()));
        }
        statements.add(new SqlStatement("DROP ROLE " + role.quoted(), "DROP ROLE " + role.name()));
        return statements;
    }

    private static List<TableAction> ordered(Set<TableAction> actions) {
        return java.util.Arrays.stream(TableAction.values()).filter(actions::contains).toList();
    }
}
