package dev.lapse.standalone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * The demo's PostgreSQL: a database {@code crm} with a {@code customers} table (personal data to protect) and an
 * {@code orders} table with row-level security (for row-limited grants), the admin role Lapse provisions grants
 * with ({@code lapse_admin}: CREATEROLE, owner of the tables, never superuser), a login role {@code alice} to try
 * grants with, and the schema of the masked views. Set up once, as the server's superuser, because a CREATEROLE
 * admin can neither create a database nor a schema in one it does not own; every step is idempotent, so a second
 * start changes nothing.
 */
public final class DemoDatabase {

    /** The database of the demo. */
    static final String DATABASE = "crm";
    /** The role Lapse provisions grants with. */
    static final String ADMIN = "lapse_admin";
    /** The login role of the demo's requester, alice@example.com. */
    static final String REQUESTER = "alice";

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]{0,40}");

    private final String serverUrl;
    private final String superuser;
    private final String password;
    private final String database;
    private final String admin;
    private final String requester;

    /**
     * @param serverUrl the server, without a database: {@code jdbc:postgresql://127.0.0.1:5432}
     * @param superuser a role that may create databases and roles (the server's {@code postgres})
     * @param database, admin, requester the names of the demo's database and roles (tests use their own)
     */
    public DemoDatabase(String serverUrl, String superuser, String password, String database, String admin,
            String requester) {
        this.serverUrl = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        this.superuser = superuser;
        this.password = password;
        // Code-given names, checked anyway: they are written into SQL as identifiers.
        for (String name : List.of(database, admin, requester)) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a demo name must be a plain lower-case identifier: " + name);
            }
        }
        this.database = database;
        this.admin = admin;
        this.requester = requester;
    }

    DemoDatabase(String serverUrl, String superuser, String password) {
        this(serverUrl, superuser, password, DATABASE, ADMIN, REQUESTER);
    }

    /** The demo's server from {@code -Dlapse.postgres.url}, {@code -Dlapse.postgres.user}, {@code -Dlapse.postgres.password}. */
    static DemoDatabase fromSystemProperties() {
        return new DemoDatabase(System.getProperty("lapse.postgres.url", "jdbc:postgresql://127.0.0.1:5432"),
                System.getProperty("lapse.postgres.user", "postgres"),
                System.getProperty("lapse.postgres.password", ""));
    }

    String serverUrl() {
        return serverUrl;
    }

    public String database() {
        return database;
    }

    public String admin() {
        return admin;
    }

    public String requester() {
        return requester;
    }

    /**
     * Creates whatever of the demo is missing.
     *
     * @throws SQLException when the server does not answer or refuses (the caller says how to point at one)
     */
    public void prepare() throws SQLException {
        try (Connection server = connect("postgres"); Statement sql = server.createStatement()) {
            if (!exists(server, "SELECT 1 FROM pg_roles WHERE rolname = ?", admin)) {
                sql.execute("CREATE ROLE " + admin + " LOGIN CREATEROLE");
            }
            // Seeing and ending a requester's running statements at expiry needs these memberships, not superuser.
            sql.execute("GRANT pg_signal_backend, pg_read_all_stats TO " + admin);
            if (!exists(server, "SELECT 1 FROM pg_roles WHERE rolname = ?", requester)) {
                sql.execute("CREATE ROLE " + requester + " LOGIN");
            }
            if (!exists(server, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                sql.execute("CREATE DATABASE " + database);
            }
        }
        try (Connection crm = connect(database); Statement sql = crm.createStatement()) {
            crm.setAutoCommit(false);
            sql.execute("""
                    CREATE TABLE IF NOT EXISTS public.customers (
                        id integer PRIMARY KEY, name text NOT NULL, email text NOT NULL, ssn text,
                        card_number text, region text NOT NULL)""");
            sql.execute("""
                    INSERT INTO public.customers VALUES
                        (1, 'Ada Lovelace', 'ada@example.com', '078-05-1120', '4111111111111111', 'EU'),
                        (2, 'Grace Hopper', 'grace@example.com', '219-09-9999', '5500005555555559', 'US'),
                        (3, 'Alan Turing', 'alan@example.com', '457-55-5462', '340000000000009', 'EU')
                    ON CONFLICT (id) DO NOTHING""");
            sql.execute("""
                    CREATE TABLE IF NOT EXISTS public.orders (
                        id integer PRIMARY KEY, customer_id integer NOT NULL, region text NOT NULL,
                        amount numeric(10, 2) NOT NULL)""");
            sql.execute("""
                    INSERT INTO public.orders VALUES (10, 1, 'EU', 120.00), (11, 2, 'US', 75.50), (12, 3, 'EU', 9.99)
                    ON CONFLICT (id) DO NOTHING""");
            // Lapse never enables row-level security by itself: the demo's orders table has it, so a grant on it
            // may be limited to rows; customers has none, so its grants are whole columns.
            sql.execute("ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY");
            sql.execute("REVOKE ALL ON public.customers, public.orders FROM PUBLIC");
            sql.execute("ALTER TABLE public.customers OWNER TO " + admin);
            sql.execute("ALTER TABLE public.orders OWNER TO " + admin);
            sql.execute("CREATE SCHEMA IF NOT EXISTS lapse_masked AUTHORIZATION " + admin);
            crm.commit();
        }
    }

    /**
     * The policy-engine arguments that make its policies speak about this database: the bundled sample set speaks
     * about the demo's {@code crm} only, so for a database of another name (a test's, a harness's) the sample's rules
     * are written for it into {@code directory}, and policy-engine is pointed there. The demo's own database needs
     * none: the sample set is policy-engine's default.
     */
    public List<String> policyArguments(Path directory) throws IOException {
        if (database.equals(DATABASE)) {
            return List.of();
        }
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(database + ".yaml"), """
                # The demo's sample policies (policy-engine/src/main/resources/policies), for database %1$s.
                tables:
                  %1$s.public.customers:
                    columns: {id: [], name: [pii], email: [pii], region: [], ssn: [secret], card_number: [secret]}
                  %1$s.public.orders:
                    columns: {id: [], customer_id: [], region: [], amount: []}
                rules:
                  - name: %1$s-read-named-columns
                    target: postgres
                    table: %1$s.public.*
                    actions: [SELECT]
                    excludeTags: [secret]
                    outcome: approve
                    maxDuration: 1h
                  - name: %1$s-read-secret-columns
                    target: postgres
                    table: %1$s.public.*
                    actions: [SELECT]
                    tags: [secret]
                    outcome: require
                    approvals:
                      - {count: 1, groups: [support]}
                      - {count: 1, groups: [data-owners]}
                    maxDuration: 1h
                    pendingTimeout: 4h
                """.formatted(database));
        return List.of("--lapse.policy.directory=" + directory.toAbsolutePath());
    }

    /**
     * The grant-issuer settings that make the demo database Lapse's target {@code postgres}, with a masked view of
     * {@code customers}: {@code id} and {@code region} in clear for every reader, {@code email} and
     * {@code card_number} partly masked and every other column ({@code name}, {@code ssn}) hidden, unless the reader
     * holds a grant on it.
     */
    public List<String> targetArguments() {
        String target = "--lapse.grant.targets.postgres.";
        return List.of(
                target + "url=" + serverUrl,
                target + "username=" + admin,
                target + "databases[0]=" + database,
                target + "schemas[0]=public",
                target + "protected-tables[0].table=" + database + ".public.customers",
                target + "protected-tables[0].masks[0].column=id",
                target + "protected-tables[0].masks[0].rule=clear",
                target + "protected-tables[0].masks[1].column=region",
                target + "protected-tables[0].masks[1].rule=clear",
                target + "protected-tables[0].masks[2].column=email",
                target + "protected-tables[0].masks[2].rule=partial-email",
                target + "protected-tables[0].masks[3].column=card_number",
                target + "protected-tables[0].masks[3].rule=partial:0:4");
    }

    private Connection connect(String database) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", superuser);
        login.setProperty("password", password);
        login.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(serverUrl + "/" + database, login);
    }

    private static boolean exists(Connection connection, String query, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }
}
