package dev.lapse.grant.target.postgres;

import dev.lapse.grant.target.GrantSpec;
import dev.lapse.grant.target.PresentGrant;
import dev.lapse.grant.target.Provisioning;
import dev.lapse.grant.target.Target;
import dev.lapse.grant.target.TargetUnavailableException;
import dev.lapse.grant.target.postgres.DatabasePools.Refusal;
import dev.lapse.grant.target.postgres.GrantStatements.Holdings;
import dev.lapse.grant.target.postgres.GrantStatements.Plan;
import dev.lapse.grant.target.postgres.GrantStatements.TablePolicy;
import dev.lapse.grant.target.postgres.MaskedView.ClearGrant;
import dev.lapse.grant.target.postgres.PostgresTargetSettings.ColumnMask;
import dev.lapse.grant.target.postgres.PostgresTargetSettings.ProtectedTable;
import java.security.SecureRandom;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL {@link Target}: a grant is a NOLOGIN role {@code lapse_g_<id>}, member of one shared
 * {@link PrivilegeRole} per approved action (which holds the privilege on the columns; the grant role holds none, so a
 * table's ACL stays small however many grants are live), with per-action row policies on a table with row-level
 * security, granted to the requester's role and described by a JSON comment on the role. Each provisioning and
 * withdrawal is one transaction on the table's database, serialised per table by an advisory lock (so a masked view
 * is always redefined from the grants that are committed).
 */
public final class PostgresTarget implements Target {

    private static final System.Logger LOG = System.getLogger(PostgresTarget.class.getName());
    private static final String ROLE_PREFIX = "lapse_g_";
    /**
     * The shared privilege roles ({@code lapse_p_…}) a role is a direct member of, the member's oid appended: one
     * rule for provisioning (what a grant role holds already) and withdrawal (what it must be taken out of).
     */
    private static final String PRIVILEGE_ROLES_OF_MEMBER =
            " FROM pg_auth_members am JOIN pg_roles p ON p.oid = am.roleid WHERE p.rolname LIKE 'lapse\\_p\\_%' AND am.member = ";
    /** SQLSTATE class 54, "program limit exceeded" (a row too big, too many columns, stack depth, ...). */
    private static final String PROGRAM_LIMIT_CLASS = "54";

    private final String name;
    private final PostgresTargetSettings settings;
    private final RequesterRoles requesterRoles;
    private final Map<String, ProtectedTable> protectedTables = new LinkedHashMap<>();
    private final DatabasePools pools;

    private PostgresTarget(String name, PostgresTargetSettings settings) {
        this.name = name;
        this.settings = settings.validated(name);
        this.requesterRoles = new RequesterRoles(settings.roleTemplate(), settings.roles());
        for (ProtectedTable table : settings.protectedTables()) {
            protectedTables.put(TableName.parse(table.table()).toString(), table);
        }
        this.pools = new DatabasePools(name, settings);
    }

    /**
     * Opens the target: validates the settings and makes its pools, without connecting yet.
     *
     * @throws IllegalArgumentException naming every misconfigured key
     */
    public static PostgresTarget open(String name, PostgresTargetSettings settings) {
        return new PostgresTarget(name, settings);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Makes the target ready; run at start, idempotent: checks the admin can connect to every managed database and has
     * what it needs, and (re)creates the masked views of the protected tables with their hash key.
     *
     * @return what it did and what it noticed, one line each
     * @throws TargetUnavailableException when a database cannot be reached
     * @throws IllegalStateException when the database lacks what the settings need (the message says what to do)
     */
    public List<String> prepare() {
        List<String> lines = new ArrayList<>();
        for (String database : settings.databases()) {
            try {
                lines.addAll(pools.inTransaction(database, "prepare", c -> prepare(c, database)));
            } catch (Refusal refusal) {
                throw new IllegalStateException(refusal.getMessage());
            }
        }
        lines.forEach(line -> LOG.log(System.Logger.Level.INFO, "PostgreSQL target {0}: {1}", name, line));
        return lines;
    }

    private List<String> prepare(Connection c, String database) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (ResultSet admin = query(c, "SELECT current_user, rolsuper, rolcreaterole,"
                + " pg_has_role(current_user, 'pg_signal_backend', 'USAGE'),"
                + " pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') FROM pg_roles WHERE rolname = current_user")) {
            admin.next();
            String user = admin.getString(1);
            if (!admin.getBoolean(3) && !admin.getBoolean(2)) {
                throw new IllegalStateException("PostgreSQL target " + name + ": admin role " + user
                        + " lacks CREATEROLE, which making grant roles needs");
            }
            if (admin.getBoolean(2)) {
                lines.add("warning: admin role " + user + " is a superuser; a CREATEROLE role owning the tables is enough");
            }
            if (settings.terminateSessions() && !admin.getBoolean(2)) {
                if (!admin.getBoolean(4)) {
                    lines.add("warning: admin role " + user + " is not a member of pg_signal_backend, so withdrawal"
                            + " cannot end requesters' running statements");
                }
                if (!admin.getBoolean(5)) {
                    lines.add("warning: admin role " + user + " is not a member of pg_read_all_stats, so withdrawal"
                            + " cannot tell idle sessions and ends every session of the requester in the database");
                }
            }
        }
        lines.add("connected to database " + database);
        SqlIdentifier maskedSchema = SqlIdentifier.of(settings.maskedSchema());
        for (ProtectedTable protectedTable : protectedTables.values()) {
            TableName table = TableName.parse(protectedTable.table());
            if (!table.database().name().equals(database)) {
                continue;
            }
            lock(c, table);
            if (!schemaExists(c, maskedSchema)) {
                throw new IllegalStateException("PostgreSQL target " + name + ": schema " + maskedSchema.name()
                        + " does not exist in database " + database + "; create it as the database owner: CREATE SCHEMA "
                        + maskedSchema.quoted() + " AUTHORIZATION " + SqlIdentifier.of(settings.username()).quoted());
            }
            prepareKey(c, maskedSchema, lines);
            Optional<MaskedView> view = maskedView(c, table, null);
            if (view.isEmpty()) {
                throw new IllegalStateException("PostgreSQL target " + name + ": protected table " + table
                        + " does not exist");
            }
            execute(c, "DROP VIEW IF EXISTS " + view.get().quotedName());
            execute(c, "CREATE VIEW " + view.get().quotedName() + " WITH (security_barrier = true) AS "
                    + view.get().query());
            for (String reader : settings.maskedViewReaders()) {
                String grantee = reader.equalsIgnoreCase("PUBLIC") ? "PUBLIC" : SqlIdentifier.of(reader).quoted();
                execute(c, "GRANT USAGE ON SCHEMA " + maskedSchema.quoted() + " TO " + grantee);
                execute(c, "GRANT SELECT ON " + view.get().quotedName() + " TO " + grantee);
            }
            lines.add("masked view " + database + '.' + maskedSchema.name() + '.' + table.table().name() + " of " + table
                    + " (readable by " + String.join(", ", settings.maskedViewReaders()) + ")");
        }
        return lines;
    }

    private void prepareKey(Connection c, SqlIdentifier maskedSchema, List<String> lines) throws SQLException {
        String keyTable = maskedSchema.quoted() + '.' + MaskedView.KEY_TABLE.quoted();
        execute(c, "CREATE TABLE IF NOT EXISTS " + keyTable + " (key text NOT NULL)");
        execute(c, "REVOKE ALL ON " + keyTable + " FROM PUBLIC");
        if (settings.maskKey() != null) {
            execute(c, "DELETE FROM " + keyTable);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + keyTable + " (key) VALUES (?)")) {
                insert.setString(1, settings.maskKey());
                insert.executeUpdate();
            }
            return;
        }
        try (ResultSet existing = query(c, "SELECT count(*) FROM " + keyTable)) {
            existing.next();
            if (existing.getLong(1) == 0) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + keyTable + " (key) VALUES (?)")) {
                    insert.setString(1, HexFormat.of().formatHex(key));
                    insert.executeUpdate();
                }
                lines.add("made a random hash-mask key in " + maskedSchema.name() + '.' + MaskedView.KEY_TABLE.name());
            }
        }
    }

    @Override
    public Provisioning provision(GrantSpec grant) {
        TableName table;
        SqlIdentifier role;
        SqlIdentifier requester;
        Set<TableAction> actions = EnumSet.noneOf(TableAction.class);
        List<SqlIdentifier> columns = new ArrayList<>();
        RowFilter filter;
        try {
            table = TableName.parse(grant.resource());
        } catch (IllegalArgumentException e) {
            return new Provisioning.Refused(e.getMessage());
        }
        if (!settings.databases().contains(table.database().name())) {
            return new Provisioning.Refused("database " + table.database().name() + " is not managed by target " + name);
        }
        if (!settings.schemas().contains(table.schema().name())) {
            return new Provisioning.Refused("schema " + table.database().name() + '.' + table.schema().name()
                    + " is not managed by target " + name);
        }
        if (grant.actions().isEmpty()) {
            return new Provisioning.Refused("no action was approved");
        }
        for (String action : grant.actions()) {
            Optional<TableAction> known = TableAction.named(action);
            if (known.isEmpty()) {
                return new Provisioning.Refused("action " + action + " is not supported on a PostgreSQL table"
                        + " (SELECT, INSERT, UPDATE, DELETE)");
            }
            actions.add(known.get());
        }
        for (String column : grant.columns()) {
            try {
                SqlIdentifier identifier = SqlIdentifier.of(column);
                if (!columns.contains(identifier)) {
                    columns.add(identifier);
                }
            } catch (IllegalArgumentException e) {
                return new Provisioning.Refused("column '" + column + "': " + e.getMessage());
            }
        }
        if (columns.isEmpty() && actions.stream().anyMatch(TableAction::columnScoped)) {
            return new Provisioning.Refused("no columns were approved for "
                    + actions.stream().filter(TableAction::columnScoped).map(Enum::name).toList()
                    + ", which is granted per column");
        }
        try {
            filter = grant.rowFilter() == null || grant.rowFilter().isBlank() ? null
                    : RowFilter.parse(grant.rowFilter());
        } catch (IllegalArgumentException e) {
            return new Provisioning.Refused("row filter '" + grant.rowFilter() + "' cannot be read: " + e.getMessage());
        }
        try {
            requester = requesterRoles.roleOf(grant.requesterId());
        } catch (IllegalArgumentException e) {
            return new Provisioning.Refused("requester " + grant.requesterId() + " maps to no valid database role: "
                    + e.getMessage());
        }
        try {
            role = GrantStatements.roleOf(grant.grantId());
        } catch (IllegalArgumentException e) {
            return new Provisioning.Refused(e.getMessage());
        }
        RowFilter rows = filter;
        try {
            return pools.inTransaction(table.database().name(), "provision grant " + grant.grantId(), c -> {
                try {
                    return provision(c, grant, table, role, requester, actions, columns, rows);
                } catch (SQLException e) {
                    if (e.getSQLState() != null && e.getSQLState().startsWith(PROGRAM_LIMIT_CLASS)) {
                        // no retry can get past a limit of the server: waiting would only block the partition
                        throw new Refusal("PostgreSQL refused the grant on " + table + " at one of its program limits"
                                + " (SQLSTATE " + e.getSQLState() + "): " + firstLine(e.getMessage()));
                    }
                    throw e;
                }
            });
        } catch (Refusal refusal) {
            LOG.log(System.Logger.Level.INFO, "PostgreSQL target {0} refused grant {1}: {2}", name, grant.grantId(),
                    refusal.getMessage());
            return new Provisioning.Refused(refusal.getMessage());
        }
    }

    private Provisioning provision(Connection c, GrantSpec grant, TableName table, SqlIdentifier role,
            SqlIdentifier requester, Set<TableAction> actions, List<SqlIdentifier> columns, @Nullable RowFilter filter)
            throws SQLException, Refusal {
        lock(c, table);
        // Everything the checks below need, read in one round trip (after the lock, so grants committed meanwhile on
        // the table are seen): on a busy machine each round trip costs a wake-up of this thread and of the server's.
        List<SqlIdentifier> sharedRoles = actions.stream().map(a -> new PrivilegeRole(table, a, columns).role()).toList();
        boolean rowSecurity;
        boolean owned;
        List<String> tableColumns;
        boolean requesterExists;
        Boolean[] grantable;
        boolean schemaUsage;
        Long roleOid;
        Set<String> sharedRolesFound;
        try (ResultSet found = query(c, "SELECT c.relrowsecurity, pg_has_role(current_user, c.relowner, 'USAGE'),"
                + " ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
                + "   AND NOT a.attisdropped ORDER BY a.attnum),"
                + " EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?),"
                + " ARRAY(SELECT has_table_privilege(current_user, c.oid, p.privilege)"
                + "   FROM unnest(?::text[]) WITH ORDINALITY AS p(privilege, i) ORDER BY p.i),"
                + " has_schema_privilege(current_user, n.oid, 'USAGE WITH GRANT OPTION'),"
                + " (SELECT oid FROM pg_roles WHERE rolname = ?),"
                + " ARRAY(SELECT rolname::text FROM pg_roles WHERE rolname = ANY (?::text[]))"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')",
                requester.name(),
                c.createArrayOf("text", actions.stream().map(a -> a.name() + " WITH GRANT OPTION").toArray()),
                role.name(),
                c.createArrayOf("text", sharedRoles.stream().map(SqlIdentifier::name).toArray()),
                table.schema().name(), table.table().name())) {
            if (!found.next()) {
                throw new Refusal("table " + table + " does not exist");
            }
            rowSecurity = found.getBoolean(1);
            owned = found.getBoolean(2);
            tableColumns = List.of((String[]) found.getArray(3).getArray());
            requesterExists = found.getBoolean(4);
            grantable = (Boolean[]) found.getArray(5).getArray();
            schemaUsage = found.getBoolean(6);
            long oid = found.getLong(7);
            roleOid = found.wasNull() ? null : oid;
            sharedRolesFound = Set.copyOf(Arrays.asList((String[]) found.getArray(8).getArray()));
        }
        List<String> missing = columns.stream().map(SqlIdentifier::name).filter(n -> !tableColumns.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new Refusal((missing.size() == 1 ? "column " : "columns ") + String.join(", ", missing) + " of "
                    + table + (missing.size() == 1 ? " does not exist" : " do not exist"));
        }
        if (filter != null) {
            for (SqlIdentifier column : filter.columns()) {
                if (!tableColumns.contains(column.name())) {
                    throw new Refusal("row filter names column " + column.name() + ", which " + table + " does not have");
                }
            }
            if (!rowSecurity) {
                throw new Refusal("table " + table + " does not have row-level security enabled, so a row filter"
                        + " cannot be enforced on it (Lapse never enables row-level security by itself)");
            }
        }
        if (!requesterExists) {
            throw new Refusal("database role " + requester.name() + " (for requester " + grant.requesterId()
                    + ") does not exist");
        }
        int checked = 0;
        for (TableAction action : actions) {
            if (!Boolean.TRUE.equals(grantable[checked++])) {
                throw new Refusal("Lapse's admin cannot grant " + action.name() + " on " + table);
            }
        }
        if (rowSecurity && !owned) {
            throw new Refusal("Lapse's admin does not own " + table + ", so it cannot create the row policies its"
                    + " row-level security needs");
        }
        if (rowSecurity) {
            for (HeldGrant held : heldGrants(c, table, role, requester)) {
                if (held.overlapsWith(actions, filter)) {
                    throw new Refusal(grant.requesterId() + " already holds grant " + held.grantId() + " on " + table
                            + (held.filterKnown() ? " with another row filter" : " with a row filter Lapse cannot read")
                            + "; on a table with row-level security PostgreSQL would let each grant's columns be read"
                            + " on the other's rows: end that grant first, or ask for both in one request with one"
                            + " filter");
                }
            }
        }
        List<SqlIdentifier> otherMembers = new ArrayList<>();
        if (roleOid != null) {
            for (SqlIdentifier member : members(c, role)) {
                if (!member.equals(requester)) {
                    otherMembers.add(member);
                }
            }
        }
        Set<SqlIdentifier> existingPrivilegeRoles = new LinkedHashSet<>();
        for (SqlIdentifier shared : sharedRoles) {
            if (sharedRolesFound.contains(shared.name())) {
                existingPrivilegeRoles.add(shared);
            }
        }
        List<SqlIdentifier> heldPrivilegeRoles = roleOid == null ? List.of() : privilegeRolesOf(c, role);
        Plan plan0 = new Plan(role, table, requester, actions, columns, filter, rowSecurity, schemaUsage,
                roleOid != null, otherMembers, existingPrivilegeRoles, heldPrivilegeRoles, "");
        GrantComment comment = new GrantComment(grant.requestId(), requester.name(), table.database().name(),
                table.schema().name(), table.table().name(), grant.grantedAt(), grant.expiresAt(),
                actions.stream().sorted().map(Enum::name).toList(), columns.stream().map(SqlIdentifier::name).toList(),
                plan0.policies().stream().map(SqlIdentifier::name).toList(), filter == null ? null : grant.rowFilter());
        Plan plan = new Plan(role, table, requester, actions, columns, filter, rowSecurity, schemaUsage,
                roleOid != null, otherMembers, existingPrivilegeRoles, heldPrivilegeRoles, comment.toJson());
        List<String> done = new ArrayList<>();
        List<SqlStatement> pending = new ArrayList<>();
        for (SqlStatement statement : GrantStatements.provision(plan)) {
            if (!statement.sql().startsWith("CREATE POLICY")) {
                pending.add(statement);
                continue;
            }
            // A row policy runs alone: its failure may be the requester's filter, refused with the server's reason.
            executeAll(c, pending, done);
            pending.clear();
            try {
                execute(c, statement.sql());
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                boolean filterRejected = statement.sql().startsWith("CREATE POLICY")
                        && (state.startsWith("22") || state.startsWith("42") && !state.equals("42501"));
                if (filterRejected) {
                    throw new Refusal("row filter '" + grant.rowFilter() + "' does not fit " + table + ": "
                            + firstLine(e.getMessage()));
                }
                throw e;
            }
            if (statement.done() != null) {
                done.add(statement.done());
            }
        }
        executeAll(c, pending, done);
        redefineMaskedView(c, table, null).ifPresent(done::add);
        return new Provisioning.Provisioned(done);
    }

    @Override
    public List<String> withdraw(String grantId, String requesterId) {
        SqlIdentifier role;
        try {
            role = GrantStatements.roleOf(grantId);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        try {
            @Nullable String[] found = pools.inTransaction(pools.anyDatabase(), "look up grant " + grantId, c -> {
                try (ResultSet rs = query(c, "SELECT rolname, shobj_description(oid, 'pg_authid') FROM pg_roles"
                        + " WHERE rolname = ?", role.name())) {
                    return rs.next() ? new @Nullable String[] {rs.getString(2)} : null;
                }
            });
            if (found == null) {
                return List.of();
            }
            Optional<GrantComment> comment = GrantComment.parse(found[0]);
            List<String> databases = comment.map(GrantComment::database).filter(settings.databases()::contains)
                    .map(List::of).orElse(settings.databases());
            Set<SqlIdentifier> requesters = new LinkedHashSet<>();
            comment.ifPresent(cm -> requesters.add(SqlIdentifier.of(cm.requester())));
            try {
                requesters.add(requesterRoles.roleOf(requesterId));
            } catch (IllegalArgumentException e) {
                // no valid role for the id: the role's members found in the catalog still lose it
            }
            List<String> done = new ArrayList<>();
            for (int i = 0; i < databases.size(); i++) {
                String database = databases.get(i);
                boolean last = i == databases.size() - 1;
                done.addAll(pools.inTransaction(database, "withdraw grant " + grantId,
                        c -> withdraw(c, database, role, comment, last, requesters)));
            }
            if (settings.terminateSessions()) {
                for (String database : databases) {
                    done.addAll(pools.inTransaction(database, "end the sessions of grant " + grantId,
                            c -> terminate(c, database, requesters)));
                }
            }
            return done;
        } catch (Refusal refusal) {
            throw new IllegalStateException(refusal.getMessage(), refusal);
        }
    }

    private List<String> withdraw(Connection c, String database, SqlIdentifier role, Optional<GrantComment> comment,
            boolean last, Set<SqlIdentifier> requesters) throws SQLException {
        if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role.name())) {
            return List.of();
        }
        Holdings holdings = holdings(c, database, role);
        Set<String> lockKeys = new TreeSet<>();
        Map<String, TableName> touched = new LinkedHashMap<>();
        comment.filter(cm -> cm.database().equals(database)).ifPresent(cm -> touched.put(cm.tableName().toString(),
                cm.tableName()));
        holdings.tables().forEach(t -> touched.put(t.toString(), t));
        holdings.policies().forEach(p -> touched.put(p.table().toString(), p.table()));
        lockKeys.addAll(touched.keySet());
        for (String key : lockKeys) {
            lock(c, touched.get(key));
        }
        List<String> done = new ArrayList<>();
        executeAll(c, GrantStatements.revoke(role, holdings), done);
        for (TableName table : touched.values()) {
            redefineMaskedView(c, table, role).ifPresent(done::add);
        }
        if (last) {
            List<SqlIdentifier> members = members(c, role);
            requesters.addAll(members);
            executeAll(c, GrantStatements.drop(role, members), done);
        }
        return done;
    }

    /**
     * Ends the requesters' backends in the database that are not idle (mid-statement, or in a transaction, where an
     * open cursor would keep reading): an idle session loses the access at its next statement anyway.
     */
    private List<String> terminate(Connection c, String database, Set<SqlIdentifier> requesters) throws SQLException {
        List<String> done = new ArrayList<>();
        for (SqlIdentifier requester : requesters) {
            try (ResultSet ended = query(c, "SELECT pid, state, pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE usename = ? AND datname = ? AND state IS DISTINCT FROM 'idle' AND pid <> pg_backend_pid()",
                    requester.name(), database)) {
                while (ended.next()) {
                    done.add((ended.getBoolean(3) ? "TERMINATE backend " : "could not terminate backend ")
                            + ended.getInt(1) + " of " + requester.name() + " in " + database + " ("
                            + (ended.getString(2) == null ? "state unknown" : ended.getString(2)) + ')');
                }
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState())) {
                    throw e;
                }
                done.add("could not terminate the backends of " + requester.name() + " in " + database + ": "
                        + firstLine(e.getMessage()));
                return done;
            }
        }
        return done;
    }

    @Override
    public List<PresentGrant> present() {
        try {
            return pools.inTransaction(pools.anyDatabase(), "list grants", c -> {
                List<PresentGrant> present = new ArrayList<>();
                try (ResultSet rs = query(c, "SELECT rolname, shobj_description(oid, 'pg_authid') FROM pg_roles"
                        + " WHERE rolname LIKE 'lapse\\_g\\_%' ORDER BY rolname")) {
                    while (rs.next()) {
                        String grantId = rs.getString(1).substring(ROLE_PREFIX.length());
                        Optional<GrantComment> comment = GrantComment.parse(rs.getString(2));
                        if (comment.isPresent() && !settings.databases().contains(comment.get().database())) {
                            continue; // another target's grant on the same server
                        }
                        present.add(comment.map(cm -> new PresentGrant(grantId, cm.requestId(), cm.grantedAt(),
                                cm.expiresAt())).orElse(new PresentGrant(grantId, null, null, null)));
                    }
                }
                return present;
            });
        } catch (Refusal refusal) {
            throw new IllegalStateException(refusal.getMessage(), refusal);
        }
    }

    @Override
    public void close() {
        pools.close();
    }

    /** Redefines the masked view of a protected table with row-level security from the grants now in place. */
    private Optional<String> redefineMaskedView(Connection c, TableName table, @Nullable SqlIdentifier leaving)
            throws SQLException {
        if (!protectedTables.containsKey(table.toString())) {
            return Optional.empty();
        }
        SqlIdentifier maskedSchema = SqlIdentifier.of(settings.maskedSchema());
        if (!exists(c, "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind = 'v'", maskedSchema.name(),
                table.table().name())) {
            LOG.log(System.Logger.Level.WARNING, "PostgreSQL target {0}: masked view of {1} is missing; run prepare()",
                    name, table);
            return Optional.empty();
        }
        Optional<MaskedView> view = maskedView(c, table, leaving);
        if (view.isEmpty() || !view.get().rowSecurity()) {
            return Optional.empty();
        }
        execute(c, view.get().createOrReplace());
        return Optional.of("REDEFINE VIEW " + table.database().name() + '.' + maskedSchema.name() + '.'
                + table.table().name() + " (clear for " + view.get().grants().stream().map(g -> g.role().name()
                        + " " + g.columns().stream().sorted().toList()).toList() + ')');
    }

    /** The masked view of a table as the catalog and the grants now make it, or empty when the table is gone. */
    private Optional<MaskedView> maskedView(Connection c, TableName table, @Nullable SqlIdentifier leaving)
            throws SQLException {
        boolean rowSecurity;
        try (ResultSet found = query(c, "SELECT c.relrowsecurity FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')",
                table.schema().name(), table.table().name())) {
            if (!found.next()) {
                return Optional.empty();
            }
            rowSecurity = found.getBoolean(1);
        }
        List<SqlIdentifier> columns = tableColumns(c, table).stream().map(SqlIdentifier::of).toList();
        Map<String, MaskRule> rules = new LinkedHashMap<>();
        for (ColumnMask mask : protectedTables.get(table.toString()).masks()) {
            rules.put(mask.column(), MaskRule.parse(mask.rule()));
        }
        List<ClearGrant> grants = new ArrayList<>();
        if (rowSecurity) {
            Map<String, Set<String>> columnsByRole = new LinkedHashMap<>();
            Map<String, @Nullable String> comments = new LinkedHashMap<>();
            try (ResultSet rs = query(c, "SELECT r.rolname, shobj_description(r.oid, 'pg_authid'), a.attname"
                    + " FROM pg_roles r CROSS JOIN pg_attribute a"
                    + " WHERE r.rolname LIKE 'lapse\\_g\\_%' AND a.attnum > 0 AND NOT a.attisdropped"
                    + " AND a.attrelid = (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + "   WHERE n.nspname = ? AND c.relname = ?)"
                    + " AND has_column_privilege(r.oid, a.attrelid, a.attnum, 'SELECT')"
                    + " ORDER BY r.rolname, a.attnum", table.schema().name(), table.table().name())) {
                while (rs.next()) {
                    columnsByRole.computeIfAbsent(rs.getString(1), k -> new LinkedHashSet<>()).add(rs.getString(3));
                    comments.put(rs.getString(1), rs.getString(2));
                }
            }
            for (Map.Entry<String, Set<String>> entry : columnsByRole.entrySet()) {
                if (leaving != null && entry.getKey().equals(leaving.name())) {
                    continue;
                }
                Optional<GrantComment> comment = GrantComment.parse(comments.get(entry.getKey()))
                        .filter(cm -> cm.tableName().equals(table));
                if (comment.isEmpty()) {
                    continue; // not a grant Lapse can read the rows of: its columns stay masked
                }
                try {
                    RowFilter filter = comment.get().rowFilter() == null ? null
                            : RowFilter.parse(comment.get().rowFilter());
                    grants.add(new ClearGrant(SqlIdentifier.of(entry.getKey()), entry.getValue(), filter));
                } catch (IllegalArgumentException e) {
                    LOG.log(System.Logger.Level.WARNING, "grant role {0} has an unreadable row filter; masked", entry.getKey());
                }
            }
        }
        return Optional.of(new MaskedView(table, SqlIdentifier.of(settings.maskedSchema()), columns, rules,
                rowSecurity, grants));
    }

    /**
     * The other Lapse grants on a table that the requester's role is a member of (directly or through other roles,
     * as row policies apply), found by their comments and by the policies naming them on the table. Read under the
     * table's advisory lock, so a grant provisioned concurrently on the table is either committed and seen here, or
     * waits and sees this one.
     */
    private static List<HeldGrant> heldGrants(Connection c, TableName table, SqlIdentifier role,
            SqlIdentifier requester) throws SQLException {
        List<HeldGrant> held = new ArrayList<>();
        try (ResultSet rs = query(c, "SELECT r.rolname, shobj_description(r.oid, 'pg_authid'),"
                + " ARRAY(SELECT p.polcmd::text FROM pg_policy p WHERE p.polrelid = ?::regclass"
                + "   AND r.oid = ANY (p.polroles) ORDER BY 1)"
                + " FROM pg_roles r WHERE r.rolname LIKE 'lapse\\_g\\_%' AND r.rolname <> ?"
                + " AND pg_has_role(?, r.oid, 'MEMBER') ORDER BY r.rolname",
                table.quoted(), role.name(), requester.name())) {
            while (rs.next()) {
                String grantId = rs.getString(1).substring(ROLE_PREFIX.length());
                Set<TableAction> actions = EnumSet.noneOf(TableAction.class);
                for (String command : (String[]) rs.getArray(3).getArray()) {
                    switch (command) {
                        case "r" -> actions.add(TableAction.SELECT);
                        case "a" -> actions.add(TableAction.INSERT);
                        case "w" -> actions.add(TableAction.UPDATE);
                        case "d" -> actions.add(TableAction.DELETE);
                        default -> actions.addAll(EnumSet.allOf(TableAction.class));
                    }
                }
                Optional<GrantComment> comment = GrantComment.parse(rs.getString(2))
                        .filter(cm -> cm.tableName().equals(table));
                if (comment.isEmpty()) {
                    if (!actions.isEmpty()) {
                        held.add(new HeldGrant(grantId, actions, false, null));
                    }
                    continue; // a grant on another table, or a stray role without policies here
                }
                comment.get().actions().forEach(a -> TableAction.named(a).ifPresent(actions::add));
                try {
                    String text = comment.get().rowFilter();
                    held.add(new HeldGrant(grantId, actions, true, text == null ? null : RowFilter.parse(text)));
                } catch (IllegalArgumentException e) {
                    held.add(new HeldGrant(grantId, actions, false, null));
                }
            }
        }
        return held;
    }

    /**
     * What a grant role holds in the database the connection is on, read in one round trip. Tables and schemas are
     * looked for only among the objects whose ACLs PostgreSQL itself records as naming the role ({@code pg_shdepend},
     * what {@code DROP OWNED} and {@code DROP ROLE} go by), then checked in the ACLs: scanning every relation's and
     * column's ACL took ~35 ms a withdrawal in a database of 3,000 tables, and grows with it. Names stay of type
     * {@code name}, so each kind is ordered as before (byte order).
     */
    private static Holdings holdings(Connection c, String database, SqlIdentifier role) throws SQLException {
        List<TableName> tables = new ArrayList<>();
        List<TablePolicy> policies = new ArrayList<>();
        List<SqlIdentifier> schemas = new ArrayList<>();
        List<SqlIdentifier> privilegeRoles = new ArrayList<>();
        try (ResultSet rs = query(c, "WITH r AS (SELECT oid FROM pg_roles WHERE rolname = ?),"
                // first the objects naming the role, by pg_shdepend's index; only then their ACLs
                + " named AS MATERIALIZED (SELECT DISTINCT d.classid, d.objid FROM pg_shdepend d, r"
                + "   WHERE d.refclassid = 'pg_authid'::regclass AND d.refobjid = r.oid AND d.deptype = 'a'"
                + "   AND d.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()))"
                + " SELECT 1 AS kind, n.nspname, c.relname, NULL::name FROM named"
                + " JOIN pg_class c ON named.classid = 'pg_class'::regclass AND c.oid = named.objid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace, r"
                + " WHERE EXISTS (SELECT 1 FROM aclexplode(c.relacl) x WHERE x.grantee = r.oid)"
                + " OR EXISTS (SELECT 1 FROM pg_attribute a, aclexplode(a.attacl) x"
                + "   WHERE a.attrelid = c.oid AND x.grantee = r.oid)"
                + " UNION ALL SELECT 2, n.nspname, c.relname, p.polname FROM pg_policy p"
                + " JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace, r"
                + " WHERE r.oid = ANY (p.polroles)"
                + " UNION ALL SELECT 3, n.nspname, NULL::name, NULL::name FROM named"
                + " JOIN pg_namespace n ON named.classid = 'pg_namespace'::regclass AND n.oid = named.objid, r"
                + " WHERE EXISTS (SELECT 1 FROM aclexplode(n.nspacl) x WHERE x.grantee = r.oid)"
                + " UNION ALL SELECT 4, p.rolname, NULL::name, NULL::name" + PRIVILEGE_ROLES_OF_MEMBER
                + "(SELECT oid FROM r)"
                + " ORDER BY 1, 2, 3, 4", role.name())) {
            while (rs.next()) {
                switch (rs.getInt(1)) {
                    case 1 -> tables.add(new TableName(SqlIdentifier.of(database), SqlIdentifier.of(rs.getString(2)),
                            SqlIdentifier.of(rs.getString(3))));
                    case 2 -> policies.add(new TablePolicy(new TableName(SqlIdentifier.of(database),
                            SqlIdentifier.of(rs.getString(2)), SqlIdentifier.of(rs.getString(3))),
                            SqlIdentifier.of(rs.getString(4))));
                    case 3 -> schemas.add(SqlIdentifier.of(rs.getString(2)));
                    case 4 -> privilegeRoles.add(SqlIdentifier.of(rs.getString(2)));
                    default -> throw new IllegalStateException("unknown holding kind " + rs.getInt(1));
                }
            }
        }
        return new Holdings(tables, policies, schemas, privilegeRoles);
    }

    /** The shared privilege roles a grant role is a direct member of. */
    private static List<SqlIdentifier> privilegeRolesOf(Connection c, SqlIdentifier role) throws SQLException {
        List<SqlIdentifier> held = new ArrayList<>();
        try (ResultSet rs = query(c, "SELECT p.rolname" + PRIVILEGE_ROLES_OF_MEMBER
                + "(SELECT oid FROM pg_roles WHERE rolname = ?) ORDER BY 1", role.name())) {
            while (rs.next()) {
                held.add(SqlIdentifier.of(rs.getString(1)));
            }
        }
        return held;
    }

    private static List<SqlIdentifier> members(Connection c, SqlIdentifier role) throws SQLException {
        List<SqlIdentifier> members = new ArrayList<>();
        try (ResultSet rs = query(c, "SELECT m.rolname FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid"
                + " JOIN pg_roles m ON m.oid = am.member WHERE g.rolname = ? ORDER BY 1", role.name())) {
            while (rs.next()) {
                members.add(SqlIdentifier.of(rs.getString(1)));
            }
        }
        return members;
    }

    private static List<String> tableColumns(Connection c, TableName table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = query(c, "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?"
                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                table.schema().name(), table.table().name())) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        return columns;
    }

    private static boolean schemaExists(Connection c, SqlIdentifier schema) throws SQLException {
        return exists(c, "SELECT 1 FROM pg_namespace WHERE nspname = ?", schema.name());
    }

    /** Serialises the grants of one table: the masked view is always defined from committed grants. */
    private static void lock(Connection c, TableName table) throws SQLException {
        try (ResultSet rs = query(c, "SELECT pg_advisory_xact_lock(hashtext(?))", "lapse:" + table)) {
            rs.next();
        }
    }

    private static boolean exists(Connection c, String sql, Object... parameters) throws SQLException {
        try (ResultSet rs = query(c, sql, parameters)) {
            return rs.next();
        }
    }

    /** A catalog query; every value goes in as a bind parameter. The result set closes its statement. */
    private static ResultSet query(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.closeOnCompletion();
            return statement.executeQuery();
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * Runs statements in order in one round trip, and adds the line of each (where it has one) to {@code done} once
     * all succeeded. A failure throws the server's error for the statement that failed, as running them one at a time
     * would; the transaction is then rolled back, so the statements before it count for nothing either.
     */
    static void executeAll(Connection c, List<SqlStatement> statements, List<String> done) throws SQLException {
        if (!statements.isEmpty()) {
            try (Statement batch = c.createStatement()) {
                for (SqlStatement statement : statements) {
                    batch.addBatch(statement.sql());
                }
                batch.executeBatch();
            } catch (BatchUpdateException e) {
                // the driver's wrapper says "Batch entry n ... was aborted"; the server's own error is the next one
                throw e.getNextException() != null ? e.getNextException() : e;
            }
        }
        for (SqlStatement statement : statements) {
            if (statement.done() != null) {
                done.add(statement.done());
            }
        }
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
