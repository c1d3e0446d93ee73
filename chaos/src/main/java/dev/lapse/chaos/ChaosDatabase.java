package dev.lapse.chaos;

import dev.lapse.standalone.DemoDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's own PostgreSQL target: the standalone's demo database under names of this run (a database, Lapse's admin
 * role and {@link #REQUESTERS} requester login roles), set up as the server's superuser and dropped again with every
 * grant role Lapse made in it. The names are written to {@code postgres/names} in the run directory before anything
 * is created, so a harness that was itself killed leaves nothing the next run in the same directory does not drop.
 */
final class ChaosDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChaosDatabase.class);
    /** How many requester roles the approvable requests are spread over. */
    static final int REQUESTERS = 3;
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String serverUrl;
    private final String superuser;
    private final String password;
    private final DemoDatabase demo;
    private final List<String> requesters;
    private final Path namesFile;

    private ChaosDatabase(String serverUrl, String superuser, String password, DemoDatabase demo,
            List<String> requesters, Path namesFile) {
        this.serverUrl = serverUrl;
        this.superuser = superuser;
        this.password = password;
        this.demo = demo;
        this.requesters = List.copyOf(requesters);
        this.namesFile = namesFile;
    }

    /** The server from {@code -Dlapse.postgres.url}, {@code .user} and {@code .password}, as the standalone's demo. */
    static String serverUrl() {
        return System.getProperty("lapse.postgres.url", "jdbc:postgresql://127.0.0.1:5432");
    }

    private static String superuser() {
        return System.getProperty("lapse.postgres.user", "postgres");
    }

    private static String password() {
        return System.getProperty("lapse.postgres.password", "");
    }

    /**
     * Sets up the run's database, or says why there is none: empty (with the reason logged and returned through
     * {@code skipReason}) when no server answers and env {@code LAPSE_REQUIRE_POSTGRES} is unset.
     *
     * @throws IllegalStateException when no server answers and {@code LAPSE_REQUIRE_POSTGRES} is set, or when the
     *     server answered but refused the set-up
     */
    static Optional<ChaosDatabase> open(Path runDir, StringBuilder skipReason) {
        String url = serverUrl();
        try (Connection ignored = connect(url, "postgres")) {
            // it answers
        } catch (SQLException e) {
            String reason = "no PostgreSQL at " + url + ": " + e.getMessage();
            if (System.getenv("LAPSE_REQUIRE_POSTGRES") != null) {
                throw new IllegalStateException(reason + " (LAPSE_REQUIRE_POSTGRES is set, so the run needs one)", e);
            }
            log.warn("Chaos run without a PostgreSQL target: {}", reason);
            skipReason.append(reason);
            return Optional.empty();
        }
        String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        List<String> requesters = new ArrayList<>();
        for (int i = 0; i < REQUESTERS; i++) {
            requesters.add("chaos_r" + i + "_" + suffix);
        }
        DemoDatabase demo = new DemoDatabase(url, superuser(), password(), "lapse_chaos_" + suffix,
                "lapse_chaos_admin_" + suffix, requesters.get(0));
        Path namesFile = runDir.resolve("postgres").resolve("names");
        List<String> names = new ArrayList<>(List.of(demo.database(), demo.admin()));
        names.addAll(requesters);
        try {
            Files.createDirectories(namesFile.getParent());
            Files.write(namesFile, names, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + namesFile, e);
        }
        ChaosDatabase database = new ChaosDatabase(url, superuser(), password(), demo, requesters, namesFile);
        try {
            demo.prepare();
            try (Connection server = connect(url, "postgres"); Statement sql = server.createStatement()) {
                for (String requester : requesters.subList(1, requesters.size())) {
                    sql.execute("CREATE ROLE " + requester + " LOGIN");
                }
            }
        } catch (SQLException | RuntimeException e) {
            database.close();
            throw new IllegalStateException("PostgreSQL at " + url + " refused the chaos run's set-up: "
                    + e.getMessage(), e);
        }
        log.info("Chaos run's PostgreSQL target: database {}, admin {}, requesters {}", demo.database(),
                demo.admin(), requesters);
        return Optional.of(database);
    }

    /** Drops what a run in this directory that was itself killed left in PostgreSQL, if a server answers. */
    static void endStale(Path runDir) {
        Path namesFile = runDir.resolve("postgres").resolve("names");
        if (!Files.exists(namesFile)) {
            return;
        }
        try {
            List<String> names = Files.readAllLines(namesFile, StandardCharsets.UTF_8);
            if (names.size() >= 2) {
                log.info("Dropping what an earlier run left in PostgreSQL: {}", names);
                drop(serverUrl(), names.get(0), names.subList(1, names.size()));
            }
            Files.delete(namesFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + namesFile, e);
        } catch (SQLException e) {
            log.warn("Could not drop what an earlier run left in PostgreSQL ({}): {}", namesFile, e.getMessage());
        }
    }

    String database() {
        return demo.database();
    }

    /** The requester ids of approvable requests: each maps to one of the run's requester roles. */
    List<String> requesterIds() {
        return requesters.stream().map(role -> role + "@example.com").toList();
    }

    /** The table approvable requests ask for. */
    String resource() {
        return demo.database() + ".public.customers";
    }

    /** The grant-issuer's arguments that make the run's database its target {@code postgres}. */
    List<String> targetArguments() {
        return demo.targetArguments();
    }

    /** The policy-engine's arguments that make its policies speak about the run's database, written under the run. */
    List<String> policyArguments(Path runDir) {
        try {
            return demo.policyArguments(runDir.resolve("policies"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run's policies under " + runDir, e);
        }
    }

    /** A superuser connection to the server's {@code postgres} database, for the watcher. */
    Connection connectAsSuperuser() throws SQLException {
        return connect(serverUrl, "postgres");
    }

    /** Drops the database, every grant role Lapse made for it, the requesters and the admin. */
    @Override
    public void close() {
        List<String> roles = new ArrayList<>(requesters);
        roles.add(demo.admin());
        try {
            drop(serverUrl, demo.database(), roles);
            Files.deleteIfExists(namesFile);
            log.info("Dropped the chaos run's database {} and its roles", demo.database());
        } catch (SQLException e) {
            log.warn("Could not drop the chaos run's database {} and roles {}: {}", demo.database(), roles,
                    e.getMessage());
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", namesFile, e.getMessage());
        }
    }

    /**
     * Drops a database (ending its sessions), then the grant roles whose comment names it or that were granted to
     * one of the roles, then the roles. The names come from this class or its own file, but are checked anyway: they
     * are written into SQL as identifiers.
     */
    private static void drop(String url, String database, List<String> roles) throws SQLException {
        for (String name : roles) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a role of a chaos run: " + name);
            }
        }
        if (!NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("not a database of a chaos run: " + database);
        }
        try (Connection server = connect(url, "postgres"); Statement sql = server.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            List<String> grantRoles = new ArrayList<>();
            try (PreparedStatement query = server.prepareStatement("SELECT r.rolname FROM pg_roles r"
                    + " WHERE r.rolname LIKE 'lapse\\_g\\_%' AND (shobj_description(r.oid, 'pg_authid') LIKE ?"
                    + " OR EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member"
                    + " WHERE m.roleid = r.oid AND u.rolname = ANY (?)))")) {
                query.setString(1, "%\"database\":\"" + database + "\"%");
                query.setArray(2, server.createArrayOf("text", roles.toArray()));
                try (ResultSet found = query.executeQuery()) {
                    while (found.next()) {
                        grantRoles.add(found.getString(1));
                    }
                }
            }
            for (String role : grantRoles) {
                if (NAME.matcher(role).matches()) {
                    sql.execute("DROP ROLE IF EXISTS " + role);
                }
            }
            // Lapse's shared privilege roles of the dropped tables: their comments name the database.
            sql.execute("DO $$DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE 'lapse\\_p\\_%'"
                    + " AND shobj_description(oid, 'pg_authid') LIKE '%\"database\":\"" + database + "\"%'"
                    + " LOOP EXECUTE format('DROP ROLE %I', r); END LOOP; END$$");
            for (String role : roles) {
                sql.execute("DROP ROLE IF EXISTS " + role);
            }
        }
    }

    private static Connection connect(String url, String database) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", superuser());
        login.setProperty("password", password());
        login.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(url + "/" + database, login);
    }
}
