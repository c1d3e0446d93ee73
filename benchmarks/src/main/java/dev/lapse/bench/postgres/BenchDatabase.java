package dev.lapse.bench.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The section's own PostgreSQL database and roles, all named {@code lapse_bench_<run>...} so that nothing of another
 * run or test is touched: a database with the demo's {@code customers} table, the admin role Lapse provisions grants
 * with (CREATEROLE, owner of the table, never superuser), and login roles for the requesters. Made as the server's
 * superuser (a CREATEROLE admin can create neither a database nor a schema in one it does not own), dropped at the
 * end, grant roles Lapse failed to drop included.
 */
final class BenchDatabase {

    private static final Logger log = LoggerFactory.getLogger(BenchDatabase.class);
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,50}");

    private final String serverUrl;
    private final String superuser;
    private final String password;
    private final String database;
    private final String admin;
    private final List<String> requesters;

    /**
     * @param serverUrl the server, without a database: {@code jdbc:postgresql://127.0.0.1:5432}
     * @param run a short lower-case tag of this run, part of every name
     * @param requesters how many requester login roles
     */
    BenchDatabase(String serverUrl, String superuser, String password, String run, int requesters) {
        this.serverUrl = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        this.superuser = superuser;
        this.password = password;
        this.database = "lapse_bench_" + run;
        this.admin = database + "_admin";
        this.requesters = IntStream.range(0, requesters).mapToObj(i -> database + "_r" + i).toList();
        // Written into SQL as identifiers: code-given, checked anyway.
        List<String> names = new ArrayList<>(requesters());
        names.add(database);
        names.add(admin);
        if (!names.stream().allMatch(name -> NAME.matcher(name).matches())) {
            throw new IllegalArgumentException("not a plain lower-case identifier among " + names);
        }
    }

    String serverUrl() {
        return serverUrl;
    }

    /** The table requests name: {@code <database>.public.customers}. */
    String table() {
        return database + ".public.customers";
    }

    /** The requesters' login roles; requester {@code <role>@example.com} is role {@code <role>} (the default template). */
    List<String> requesters() {
        return requesters;
    }

    /**
     * Makes the database, its table and the roles.
     *
     * @throws SQLException when the server does not answer or refuses; whatever was made is dropped again
     */
    void create() throws SQLException {
        Connection first = connect("postgres"); // no server: nothing made, nothing to drop
        try (Connection server = first; Statement sql = server.createStatement()) {
            sql.execute("CREATE ROLE " + admin + " LOGIN CREATEROLE");
            // Ending a requester's running statements at expiry needs these memberships, not superuser.
            sql.execute("GRANT pg_signal_backend, pg_read_all_stats TO " + admin);
            for (String requester : requesters) {
                sql.execute("CREATE ROLE " + requester + " LOGIN");
            }
            sql.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            dropQuietly();
            throw e;
        }
        try (Connection db = connect(database); Statement sql = db.createStatement()) {
            sql.execute("""
                    CREATE TABLE public.customers (
                        id integer PRIMARY KEY, name text NOT NULL, email text NOT NULL, ssn text,
                        region text NOT NULL)""");
            sql.execute("""
                    INSERT INTO public.customers VALUES
                        (1, 'Ada Lovelace', 'ada@example.com', '078-05-1120', 'EU'),
                        (2, 'Grace Hopper', 'grace@example.com', '219-09-9999', 'US')""");
            sql.execute("REVOKE ALL ON public.customers FROM PUBLIC");
            sql.execute("ALTER TABLE public.customers OWNER TO " + admin);
            sql.execute("CREATE SCHEMA lapse_masked AUTHORIZATION " + admin);
        } catch (SQLException e) {
            dropQuietly();
            throw e;
        }
    }

    /**
     * The policy-engine arguments that make its policies approve the section's requests (named non-secret columns of
     * this database's customers, for up to an hour, as the sample set does for the demo's {@code crm}), written into
     * {@code directory}.
     */
    List<String> policyArguments(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(database + ".yaml"), """
                tables:
                  %1$s.public.customers:
                    columns: {id: [], name: [pii], email: [pii], ssn: [secret], region: []}
                rules:
                  - name: %1$s-read-named-columns
                    target: postgres
                    table: %1$s.public.customers
                    actions: [SELECT]
                    excludeTags: [secret]
                    outcome: approve
                    maxDuration: 1h
                """.formatted(database));
        return List.of("--lapse.policy.directory=" + directory.toAbsolutePath());
    }

    /** The grant-issuer arguments that make this database Lapse's target {@code postgres} (the kind requests name). */
    List<String> targetArguments() {
        String target = "--lapse.grant.targets.postgres.";
        List<String> args = new ArrayList<>(List.of(
                target + "url=" + serverUrl,
                target + "username=" + admin,
                target + "databases[0]=" + database,
                target + "schemas[0]=public"));
        if (!password.isEmpty()) {
            // The admin logs in like the superuser: trust, or the same password (set-up gives it none of its own).
            args.add(target + "password=" + password);
        }
        return args;
    }

    /** A requester's own session in the database, as a person's client would have it open. */
    Connection login(String requester) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", requester);
        login.setProperty("password", password);
        login.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(serverUrl + "/" + database, login);
    }

    /**
     * The grant roles ({@code lapse_g_<grantId>}) of these grants that still exist, and every grant role still
     * granted to one of this run's requesters: what Lapse should have dropped on withdrawal and did not.
     */
    List<String> grantRolesLeft(List<String> grantIds) throws SQLException {
        try (Connection server = connect("postgres"); PreparedStatement query = server.prepareStatement("""
                SELECT rolname FROM pg_roles WHERE rolname = ANY (?)
                UNION
                SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                    JOIN pg_roles u ON u.oid = m.member
                WHERE g.rolname LIKE 'lapse\\_g\\_%' AND u.rolname = ANY (?)
                ORDER BY 1""")) {
            query.setArray(1, server.createArrayOf("text", grantIds.stream().map(id -> "lapse_g_" + id).toArray()));
            query.setArray(2, server.createArrayOf("text", requesters.toArray()));
            List<String> left = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    left.add(rows.getString(1));
                }
            }
            return left;
        }
    }

    /**
     * Drops the database (its sessions ended), the grant roles left on its requesters, the requesters and the admin.
     * Each step is tried even when one before it fails; failures are logged, since the run's figures stand anyway.
     */
    void dropQuietly() {
        try (Connection server = connect("postgres"); Statement sql = server.createStatement()) {
            List<String> left = List.of();
            try {
                left = grantRolesLeft(List.of());
            } catch (SQLException e) {
                log.warn("Could not list the grant roles left on {}'s requesters: {}", database, e.getMessage());
            }
            List<String> statements = new ArrayList<>();
            statements.add("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            // Their privileges lived in the database just dropped: nothing else depends on them.
            left.forEach(role -> statements.add("DROP ROLE IF EXISTS " + role));
            // Lapse's shared privilege roles of the dropped tables: their comments name the database.
            statements.add("DO $$DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE 'lapse\\_p\\_%'"
                    + " AND shobj_description(oid, 'pg_authid') LIKE '%\"database\":\"" + database + "\"%'"
                    + " LOOP EXECUTE format('DROP ROLE %I', r); END LOOP; END$$");
            requesters.forEach(role -> statements.add("DROP ROLE IF EXISTS " + role));
            statements.add("DROP ROLE IF EXISTS " + admin);
            for (String statement : statements) {
                try {
                    sql.execute(statement);
                } catch (SQLException e) {
                    log.warn("Clean-up of the PostgreSQL section: {} failed: {}", statement, e.getMessage());
                }
            }
            if (!left.isEmpty()) {
                log.warn("Dropped grant roles Lapse had left on the section's requesters: {}", left);
            }
        } catch (SQLException e) {
            log.warn("Could not clean up database {} and its roles on {}: {}", database, serverUrl, e.getMessage());
        }
    }

    private Connection connect(String db) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", superuser);
        login.setProperty("password", password);
        login.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(serverUrl + "/" + db, login);
    }
}
