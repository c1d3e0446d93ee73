package dev.lapse.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lapse.embedded.SchemaRegistryProcess;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.request.identity.Caller;
import dev.lapse.request.identity.EmbeddedIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole flow against the machine's real PostgreSQL, as the README's demo shows it: the standalone sets up its
 * demo database (under names of this test's own) and makes it the target {@code postgres}; a requester logged in
 * before the request cannot read {@code email}, can read it (in the same session) once granted, still cannot read
 * {@code ssn}, sees it masked in the masked view, and cannot read it again after the expiry. A request for a
 * column that does not exist is denied with the target's reason, not left stuck.
 */
class PostgresAccessIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SERVER = System.getProperty("lapse.postgres.url", "jdbc:postgresql://127.0.0.1:5432");
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private static final DemoDatabase demo = new DemoDatabase(SERVER, "postgres", "", "crm_it_" + suffix,
            "lapse_admin_it_" + suffix, "alice_it_" + suffix);
    private static LapseStandalone lapse;
    private static String requesterToken;

    @BeforeAll
    static void start() throws Exception {
        try {
            demo.prepare();
        } catch (SQLException e) {
            String reason = "no PostgreSQL at " + SERVER + ": " + e.getMessage();
            if (System.getenv("LAPSE_REQUIRE_POSTGRES") != null) {
                throw new AssertionError(reason + " (LAPSE_REQUIRE_POSTGRES is set)", e);
            }
            System.out.println("PostgresAccessIT skipped: " + reason);
            Assumptions.abort(reason);
        }
        Path dataDir = Files.createTempDirectory("lapse-pg-e2e-");
        List<String> arguments = new ArrayList<>(demo.targetArguments());
        arguments.addAll(demo.policyArguments(dataDir.resolve("policies")));
        lapse = LapseStandalone.start(new LapseStandalone.Options(dataDir, 0, 0, Map.of()),
                SchemaRegistryProcess.homeFromEnvironment().orElseThrow(), arguments.toArray(String[]::new));
    }

    @AfterAll
    static void stop() throws SQLException {
        try {
            if (lapse != null) {
                lapse.close();
            }
        } finally {
            dropDemo();
        }
    }

    @Test
    void aGrantIsRealAccessInTheRequestersOpenSessionAndEndsOnTime() throws Exception {
        String requesterId = demo.requester() + "@example.com";
        try (Connection alice = login(demo.requester())) {
            // before: nothing to read but what the masked view shows
            assertThatThrownBy(() -> query(alice, "SELECT email FROM public.customers WHERE id = 1"))
                    .hasMessageContaining("permission denied");
            assertThat(query(alice, "SELECT email, ssn FROM lapse_masked.customers WHERE id = 1"))
                    .containsExactly(List.of("a***@example.com", "null"));

            String requestId = "pg-e2e-" + suffix;
            submit(requestId, requesterId, List.of("id", "email"), "PT6S");
            awaitStatus(requestId, "GRANTED");

            // during: the granted columns, in the session that was open before the request, and nothing more
            assertThat(query(alice, "SELECT id, email FROM public.customers WHERE id = 1"))
                    .containsExactly(List.of("1", "ada@example.com"));
            assertThatThrownBy(() -> query(alice, "SELECT ssn FROM public.customers WHERE id = 1"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> query(alice, "SELECT * FROM public.customers"))
                    .hasMessageContaining("permission denied");
            assertThat(query(alice, "SELECT email, ssn FROM lapse_masked.customers WHERE id = 1"))
                    .containsExactly(List.of("ada@example.com", "null"));

            // after: withdrawn, and the same session can read nothing again
            awaitStatus(requestId, "WITHDRAWN");
            assertThatThrownBy(() -> query(alice, "SELECT email FROM public.customers WHERE id = 1"))
                    .hasMessageContaining("permission denied");
            assertThat(query(alice, "SELECT email FROM lapse_masked.customers WHERE id = 1"))
                    .containsExactly(List.of("a***@example.com"));
            assertThat(lapseRoles()).isEmpty();
            String timeline = status(requestId);
            assertThat(timeline).contains("\"status\":\"WITHDRAWN\"");
        }
    }

    @Test
    void aGrantRevokedEarlyIsWithdrawnAtOnce() throws Exception {
        try (Connection alice = login(demo.requester())) {
            String requestId = "pg-e2e-revoked-" + suffix;
            // email, not a secret column: the sample policies want two approvers for those
            submit(requestId, demo.requester() + "@example.com", List.of("id", "email"), "PT10M");
            awaitStatus(requestId, "GRANTED");
            assertThat(query(alice, "SELECT email FROM public.customers WHERE id = 1"))
                    .containsExactly(List.of("ada@example.com"));
            String grantId = status(requestId).replaceAll(".*\"grantId\":\"([0-9a-f]+)\".*", "$1");

            // The requester ends its own grant.
            HttpResponse<String> revoked = http.send(HttpRequest.newBuilder(URI.create(
                    lapse.url(RequestServiceApplication.NAME) + "/v1/grants/" + grantId + "/revoke"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + token())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"done early\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(202);

            awaitStatus(requestId, "WITHDRAWN");
            assertThatThrownBy(() -> query(alice, "SELECT email FROM public.customers WHERE id = 1"))
                    .hasMessageContaining("permission denied");
            assertThat(query(alice, "SELECT email FROM lapse_masked.customers WHERE id = 1"))
                    .containsExactly(List.of("a***@example.com"));
        }
    }

    @Test
    void aColumnThatDoesNotExistIsDeniedWithTheTargetsReason() throws Exception {
        String requestId = "pg-e2e-missing-" + suffix;
        submit(requestId, demo.requester() + "@example.com", List.of("id", "no_such_column"), "PT30S");

        awaitStatus(requestId, "DENIED");
        assertThat(status(requestId)).contains("no_such_column");
    }

    private static void submit(String requestId, String requesterId, List<String> columns, String duration)
            throws Exception {
        String body = """
                {"requestId": "%s",
                 "requester": {"id": "%s", "groups": ["support"]},
                 "resource": {"kind": "postgres", "name": "%s.public.customers"},
                 "scope": {"actions": ["SELECT"], "columns": [%s]},
                 "reason": "INC-1234: customer cannot log in", "duration": "%s"}"""
                .formatted(requestId, requesterId, demo.database(),
                        String.join(", ", columns.stream().map(c -> "\"" + c + "\"").toList()), duration);
        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(
                URI.create(lapse.url(RequestServiceApplication.NAME) + "/v1/requests"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
    }

    private static String status(String requestId) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(lapse.url(RequestServiceApplication.NAME)
                + "/v1/requests/" + requestId)).header("Authorization", "Bearer " + token()).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A token of the embedded issuer for this test's requester, whose database role is the part before '@'. */
    private static synchronized String token() {
        if (requesterToken == null) {
            requesterToken = EmbeddedIssuer.load(lapse.identityDirectory()).mint(Caller.of(demo.requester()
                    + "@example.com", Set.of("support")), Duration.ofHours(1));
        }
        return requesterToken;
    }

    private static void awaitStatus(String requestId, String... anyOf) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            String timeline = status(requestId);
            assertThat(List.of(anyOf)).anyMatch(s -> timeline.contains("\"status\":\"" + s + "\""));
        });
    }

    private static Connection login(String role) throws SQLException {
        return DriverManager.getConnection(SERVER + "/" + demo.database(), role, "");
    }

    private static List<List<String>> query(Connection connection, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(String.valueOf(result.getString(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<String> lapseRoles() throws SQLException {
        try (Connection admin = DriverManager.getConnection(SERVER + "/postgres", "postgres", "")) {
            List<String> roles = new ArrayList<>();
            for (List<String> row : query(admin, "SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m "
                    + "ON m.roleid = r.oid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname LIKE 'lapse\\_g\\_%' "
                    + "AND u.rolname = '" + demo.requester() + "'")) {
                roles.add(row.get(0));
            }
            return roles;
        }
    }

    private static void dropDemo() throws SQLException {
        try (Connection server = DriverManager.getConnection(SERVER + "/postgres", "postgres", "");
             Statement sql = server.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + demo.database() + " WITH (FORCE)");
            // Lapse's shared privilege roles of the dropped tables: their comments name the database.
            sql.execute("DO $$DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE 'lapse\\_p\\_%'"
                    + " AND shobj_description(oid, 'pg_authid') LIKE '%\"database\":\"" + demo.database() + "\"%'"
                    + " LOOP EXECUTE format('DROP ROLE %I', r); END LOOP; END$$");
            for (String role : List.of(demo.requester(), demo.admin())) {
                sql.execute("DROP ROLE IF EXISTS " + role.toLowerCase(Locale.ROOT));
            }
        }
    }
}
