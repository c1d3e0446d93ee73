package dev.lapse.grant.target.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away PostgreSQL setting for tests against the machine's server (127.0.0.1:5432, superuser {@code postgres},
 * trust auth): a fresh database with {@code public.customers(id, name, email, ssn, card_number, region)} and three
 * rows, an admin role as a Lapse target needs it ({@code LOGIN CREATEROLE}, owner of the table and of the schema
 * {@code lapse_masked}, member of {@code pg_signal_backend} and {@code pg_read_all_stats}, not a superuser) and login
 * roles for requesters. Every name is unique, so tests may run in parallel JVMs; {@link #close()} drops it all,
 * including the grant roles made for the grant ids it handed out and the privilege roles of its tables.
 *
 * <p>{@link #create()} skips the test (a JUnit assumption, with the reason printed) when no server answers, unless the
 * environment variable {@code LAPSE_REQUIRE_POSTGRES} is set: then it fails.
 */
public final class PostgresFixture implements AutoCloseable {

    /** The server's address, without a database. */
    public static final String URL = "jdbc:postgresql://127.0.0.1:5432";

    private final String prefix;
    private final String database;
    private final String admin;
    private final List<String> requesters = new ArrayList<>();
    private final List<String> grantIds = new ArrayList<>();

    private PostgresFixture(String prefix) {
        this.prefix = prefix;
        this.database = prefix;
        this.admin = prefix + "_admin";
    }

    /** Makes a fresh database and admin, or skips the test when no server answers (see the class comment). */
    public static PostgresFixture create() {
        try (Connection probe = superuser("postgres")) {
            probe.isValid(2);
        } catch (SQLException e) {
            String reason = "no PostgreSQL server answers at " + URL + " as postgres: " + e.getMessage();
            if (System.getenv("LAPSE_REQUIRE_POSTGRES") != null) {
                throw new IllegalStateException(reason + " (LAPSE_REQUIRE_POSTGRES is set)", e);
            }
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        String prefix = "lapse_it_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        PostgresFixture fixture = new PostgresFixture(prefix);
        try {
            fixture.setUp();
        } catch (SQLException e) {
            fixture.close();
            throw new IllegalStateException("cannot set up PostgreSQL fixture " + prefix + ": " + e.getMessage(), e);
        }
        return fixture;
    }

    private void setUp() throws SQLException {
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + q(admin) + " LOGIN CREATEROLE");
            s.execute("GRANT pg_signal_backend, pg_read_all_stats TO " + q(admin));
            s.execute("CREATE DATABASE " + q(database));
        }
        asSuperuser(
                "CREATE TABLE public.customers (id int PRIMARY KEY, name text, email text, ssn text,"
                        + " card_number text, region text)",
                "INSERT INTO public.customers VALUES"
                        + " (1, 'Ann', 'ann@example.com', '111-11-1111', '4111111111111111', 'EU'),"
                        + " (2, 'Bob', 'bob@example.com', '222-22-2222', '5500000000000004', 'US'),"
                        + " (3, 'Cem', 'cem@example.com', '333-33-3333', '340000000000009', 'EU')",
                "ALTER TABLE public.customers OWNER TO " + q(admin),
                "CREATE SCHEMA lapse_masked AUTHORIZATION " + q(admin));
    }

    /** The fixture's database: the first part of its resources. */
    public String database() {
        return database;
    }

    /** The admin role a target logs in as. */
    public String admin() {
        return admin;
    }

    /** {@code <database>.public.customers}. */
    public String customers() {
        return database + ".public.customers";
    }

    /** Target settings for the fixture: its database, its admin, everything else default. */
    public PostgresTargetSettings settings() {
        return PostgresTargetSettings.of(URL, admin, null, List.of(database));
    }

    /** A new requester login role (dropped at close); its requester id is {@code <role>@example.com}. */
    public String newRequester() {
        String role = prefix + "_r" + requesters.size();
        asSuperuserInCluster("CREATE ROLE " + q(role) + " LOGIN");
        requesters.add(role);
        return role;
    }

    /** A new grant id (32 hex characters); close drops its grant role should a test leave it. */
    public String newGrantId() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        grantIds.add(id);
        return id;
    }

    /** Makes close drop the role of a grant whose id the test did not get from {@link #newGrantId()}. */
    public void track(String grantId) {
        grantIds.add(grantId);
    }

    /** A new connection to the fixture's database as the role (a requester logs in as itself). */
    public Connection connectAs(String role) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", role);
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(URL + "/" + database, properties);
    }

    /** Runs statements as {@code postgres} in the fixture's database, each in its own transaction. */
    public void asSuperuser(String... statements) {
        try (Connection c = superuser(database); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Runs statements as {@code postgres} in the maintenance database (for cluster-wide things: roles). */
    public void asSuperuserInCluster(String... statements) {
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Ends every backend of a role (as an outage or an administrator would). */
    public void terminateBackendsOf(String role) {
        asSuperuserInCluster("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = " + literal(role));
    }

    /** The first column of the first row of a query run as {@code postgres} in the fixture's database. */
    public String queryAsSuperuser(String sql) {
        try (Connection c = superuser(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? String.valueOf(rs.getString(1)) : "";
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Drops the database and every role the fixture made, grant roles included. Never throws. */
    @Override
    public void close() {
        List<String> cleanup = new ArrayList<>();
        cleanup.add("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " + literal(database)
                + " OR usename LIKE " + literal(prefix + "%"));
        cleanup.add("DROP DATABASE IF EXISTS " + q(database) + " WITH (FORCE)");
        for (String grantId : grantIds) {
            cleanup.add("DROP ROLE IF EXISTS " + q("lapse_g_" + grantId));
        }
        // the shared privilege roles of the fixture's tables (their comments name the database)
        cleanup.add("DO $$DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE 'lapse\\_p\\_%'"
                + " AND shobj_description(oid, 'pg_authid') LIKE " + literal("%\"database\":\"" + database + "\"%")
                + " LOOP EXECUTE format('DROP ROLE %I', r); END LOOP; END$$");
        for (String requester : requesters) {
            cleanup.add("DROP ROLE IF EXISTS " + q(requester));
        }
        cleanup.add("DROP ROLE IF EXISTS " + q(admin));
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            for (String statement : cleanup) {
                try {
                    s.execute(statement);
                } catch (SQLException e) {
                    System.out.println("PostgresFixture cleanup: " + statement + ": " + e.getMessage());
                }
            }
        } catch (SQLException e) {
            System.out.println("PostgresFixture cleanup of " + prefix + " failed: " + e.getMessage());
        }
    }

    private static Connection superuser(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(URL + "/" + database, properties);
    }

    private static String q(String name) {
        return SqlIdentifier.of(name).quoted();
    }

    private static String literal(String text) {
        return SqlLiteral.quote(text);
    }
}
