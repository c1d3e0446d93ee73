package dev.lapse.grant.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessWithdrawn;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ExpiryReason;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.Scope;
import dev.lapse.grant.GrantIssuerApplication;
import dev.lapse.grant.target.postgres.PostgresFixture;
import dev.lapse.schemas.GrantIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.testing.TestStack;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * grant-issuer with a real PostgreSQL target, on a real broker and registry, driven through its topics, checked by
 * logging in as the requester: an approval becomes a role the requester reads with, a refusal becomes a denial, an
 * expiry takes the access away (also when the database was unreachable at the time), a backlog of expiries drains
 * with bounded connections, and reconciliation removes a stray role and restores a missing one.
 */
class GrantIssuerPostgresIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final int MAX_CONNECTIONS = 4;
    private static final TestStack stack = TestStack.get();
    private static PostgresFixture postgres;
    private static String requester;
    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() {
        postgres = PostgresFixture.create();
        requester = postgres.newRequester();
        app = startGrantIssuer("gi-pg");
    }

    @AfterAll
    static void stop() {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            postgres.close();
        }
    }

    @AfterEach
    void adminCanLogIn() {
        postgres.asSuperuserInCluster("ALTER ROLE " + postgres.admin() + " LOGIN");
    }

    private static ConfigurableApplicationContext startGrantIssuer(String instance) {
        String target = "--lapse.grant.targets.postgres.";
        return GrantIssuerApplication.builder().run(stack.springArgs(
                "--lapse.instance-id=" + instance,
                target + "url=" + PostgresFixture.URL,
                target + "username=" + postgres.admin(),
                target + "databases[0]=" + postgres.database(),
                target + "max-connections=" + MAX_CONNECTIONS,
                "--lapse.grant.withdrawal-concurrency=" + MAX_CONNECTIONS,
                "--lapse.grant.reconcile-interval=PT1S",
                "--lapse.grant.reconcile-grace=PT3S",
                "--lapse.grant.overdue-interval=PT0.2S"));
    }

    private static AccessApproved approval(String requestId, List<String> columns, long durationMs) {
        postgres.track(GrantIds.of(requestId));
        return AccessApproved.newBuilder()
                .setEventId("approved-" + requestId).setRequestId(requestId).setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SERVICE, "policy-engine"))
                .setRequester(new Requester(requester + "@example.com", List.of("support")))
                .setResource(new Resource("postgres", postgres.customers()))
                .setScope(new Scope(List.of("SELECT"), columns, null))
                .setApprovedDurationMs(durationMs).setPolicy("test").build();
    }

    private static AccessExpired expiry(String requestId) {
        return AccessExpired.newBuilder()
                .setEventId("expired-" + requestId).setRequestId(requestId).setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SERVICE, "revoker"))
                .setGrantId(GrantIds.of(requestId)).setRequesterId(requester + "@example.com")
                .setReason(ExpiryReason.TIME_ELAPSED).setExpiresAt(Instant.now()).build();
    }

    private static String newRequestId(String what) {
        return "gi-pg-" + what + "-" + UUID.randomUUID();
    }

    private static boolean roleExists(String requestId) {
        return "1".equals(postgres.queryAsSuperuser("SELECT count(*) FROM pg_roles WHERE rolname = 'lapse_g_"
                + GrantIds.of(requestId) + "'"));
    }

    private static List<String> read(Connection session, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = session.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    @Test
    void approvalBecomesARoleTheRequesterReadsWith_andExpiryTakesItAway() throws Exception {
        String id = newRequestId("grant");
        try (Connection session = postgres.connectAs(requester)) {
            assertThatThrownBy(() -> read(session, "SELECT email FROM public.customers"))
                    .hasMessageContaining("permission denied");

            stack.send(Topics.ACCESS_APPROVED, id, approval(id, List.of("id", "email"), 600_000));
            List<ConsumerRecord<String, Object>> granted = stack.awaitRecordsThenQuiet(
                    List.of(Topics.ACCESS_GRANTED.name(), Topics.ACCESS_DENIED.name()), id,
                    found -> !found.isEmpty(), WAIT, QUIET);

            assertThat(granted).singleElement().satisfies(record -> assertThat(
                    ((AccessGranted) record.value()).getProvisioned()).anyMatch(line -> line.contains("GRANT SELECT")
                    && line.contains("email")));
            assertThat(read(session, "SELECT email FROM public.customers ORDER BY id"))
                    .containsExactly("ann@example.com", "bob@example.com", "cem@example.com");
            assertThatThrownBy(() -> read(session, "SELECT ssn FROM public.customers"))
                    .hasMessageContaining("permission denied");

            stack.send(Topics.ACCESS_EXPIRED, id, expiry(id));
            List<ConsumerRecord<String, Object>> withdrawn = stack.awaitRecordsThenQuiet(
                    List.of(Topics.ACCESS_WITHDRAWN.name()), id, found -> !found.isEmpty(), WAIT, QUIET);

            assertThat(withdrawn).singleElement().satisfies(record -> assertThat(
                    ((AccessWithdrawn) record.value()).getWithdrawn()).isNotEmpty());
            assertThatThrownBy(() -> read(session, "SELECT email FROM public.customers"))
                    .hasMessageContaining("permission denied");
            assertThat(roleExists(id)).isFalse();
        }
        // what an operator watches on /actuator/prometheus: the target's share of granting and of ending access
        assertThat(timed("lapse.grant.target.provision", "provisioned")).isPositive();
        assertThat(timed("lapse.grant.target.withdraw", "withdrawn")).isPositive();
    }

    /** How many calls the grant-issuer's timer of the target {@code postgres} counted with this outcome. */
    private static long timed(String timer, String outcome) {
        var found = app.getBean(MeterRegistry.class).find(timer).tag("target", "postgres").tag("outcome", outcome)
                .timer();
        return found == null ? 0 : found.count();
    }

    @Test
    void aRedeliveredExpiryChangesNothingTwice() {
        String id = newRequestId("twice");
        stack.send(Topics.ACCESS_APPROVED, id, approval(id, List.of("id"), 600_000));
        stack.awaitRecords(List.of(Topics.ACCESS_GRANTED.name()), id, found -> !found.isEmpty(), WAIT);

        stack.send(Topics.ACCESS_EXPIRED, id, expiry(id));
        stack.send(Topics.ACCESS_EXPIRED, id, expiry(id));
        List<ConsumerRecord<String, Object>> withdrawn = stack.awaitRecordsThenQuiet(
                List.of(Topics.ACCESS_WITHDRAWN.name()), id, found -> found.size() >= 2, WAIT, QUIET);

        // One withdrawal did the work; the redelivered one found the grant gone, a success that withdrew nothing.
        assertThat(withdrawn).hasSize(2);
        assertThat(withdrawn).extracting(record -> ((AccessWithdrawn) record.value()).getEventId()).containsOnly(
                ((AccessWithdrawn) withdrawn.get(0).value()).getEventId());
        assertThat(((AccessWithdrawn) withdrawn.get(0).value()).getWithdrawn()).isNotEmpty();
        assertThat(((AccessWithdrawn) withdrawn.get(1).value()).getWithdrawn()).isEmpty();
        assertThat(roleExists(id)).isFalse();
        assertThat(timed("lapse.grant.target.withdraw", "absent")).isPositive();
    }

    @Test
    void aColumnThatDoesNotExistIsDeniedWithTheTargetsReason_andNothingIsGranted() {
        String id = newRequestId("missing-column");
        stack.send(Topics.ACCESS_APPROVED, id, approval(id, List.of("id", "no_such_column"), 600_000));

        List<ConsumerRecord<String, Object>> outcome = stack.awaitRecordsThenQuiet(
                List.of(Topics.ACCESS_GRANTED.name(), Topics.ACCESS_DENIED.name()), id, found -> !found.isEmpty(),
                WAIT, QUIET);

        assertThat(outcome).singleElement().satisfies(record -> {
            AccessDenied denied = (AccessDenied) record.value();
            assertThat(denied.getReason()).contains("no_such_column");
            assertThat(denied.getPolicy()).isEqualTo(GrantListener.TARGET_CHECK);
        });
        assertThat(roleExists(id)).isFalse();
        assertThat(timed("lapse.grant.target.provision", "refused")).isPositive();
    }

    @Test
    void anExtensionTheTargetRefuses_leavesTheGrantItExtendsUntouched() {
        String old = newRequestId("extended");
        stack.send(Topics.ACCESS_APPROVED, old, approval(old, List.of("id", "email"), 600_000));
        stack.awaitRecords(List.of(Topics.ACCESS_GRANTED.name()), old, found -> !found.isEmpty(), WAIT);
        String extension = newRequestId("refused-extension");
        AccessApproved refused = approval(extension, List.of("id", "no_such_column"), 600_000);
        refused.setExtendsRequestId(old);

        stack.send(Topics.ACCESS_APPROVED, extension, refused);

        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_GRANTED.name(), Topics.ACCESS_DENIED.name()),
                extension, found -> !found.isEmpty(), WAIT, QUIET)).singleElement()
                .satisfies(record -> assertThat(record.value()).isInstanceOf(AccessDenied.class));
        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.REVOCATION_REQUESTED.name()), old, found -> true,
                WAIT, QUIET)).isEmpty();
        assertThat(roleExists(old)).isTrue();
        stack.send(Topics.ACCESS_EXPIRED, old, expiry(old));
        await().atMost(WAIT).until(() -> !roleExists(old));
    }

    @Test
    void anExpiryWhileTheTargetIsUnreachableWaits_andIsWithdrawnOnceItIsBack() throws Exception {
        String id = newRequestId("outage");
        stack.send(Topics.ACCESS_APPROVED, id, approval(id, List.of("id", "email"), 600_000));
        stack.awaitRecords(List.of(Topics.ACCESS_GRANTED.name()), id, found -> !found.isEmpty(), WAIT);

        // the target goes away: its admin can no longer log in, and the pooled connections are ended
        postgres.asSuperuserInCluster("ALTER ROLE " + postgres.admin() + " NOLOGIN");
        postgres.terminateBackendsOf(postgres.admin());
        stack.send(Topics.ACCESS_EXPIRED, id, expiry(id));

        // nothing is withdrawn (or parked) while it is away ...
        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_WITHDRAWN.name(),
                Topics.ACCESS_EXPIRED.deadLetterName()), id, found -> true, WAIT, Duration.ofSeconds(4))).isEmpty();
        assertThat(roleExists(id)).isTrue();

        // ... and the grant is withdrawn once it is back, once
        postgres.asSuperuserInCluster("ALTER ROLE " + postgres.admin() + " LOGIN");
        List<ConsumerRecord<String, Object>> withdrawn = stack.awaitRecordsThenQuiet(
                List.of(Topics.ACCESS_WITHDRAWN.name(), Topics.ACCESS_EXPIRED.deadLetterName()), id,
                found -> !found.isEmpty(), WAIT, QUIET);
        assertThat(withdrawn).singleElement().satisfies(record -> assertThat(
                ((AccessWithdrawn) record.value()).getWithdrawn()).isNotEmpty());
        assertThat(roleExists(id)).isFalse();
        try (Connection session = postgres.connectAs(requester)) {
            assertThatThrownBy(() -> read(session, "SELECT email FROM public.customers"))
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void anOverdueGrantIsCounted_untilItIsWithdrawn() {
        String id = newRequestId("overdue");
        stack.send(Topics.ACCESS_APPROVED, id, approval(id, List.of("id"), 1_000));
        stack.awaitRecords(List.of(Topics.ACCESS_GRANTED.name()), id, found -> !found.isEmpty(), WAIT);
        MeterRegistry meters = app.getBean(MeterRegistry.class);

        // no revoker runs here: the grant's time passes and its role stays, so the gauge counts it
        await().atMost(WAIT).untilAsserted(() -> assertThat(overdue(meters)).isGreaterThanOrEqualTo(1));
        stack.send(Topics.ACCESS_EXPIRED, id, expiry(id));
        stack.awaitRecords(List.of(Topics.ACCESS_WITHDRAWN.name()), id, found -> !found.isEmpty(), WAIT);
        await().atMost(WAIT).untilAsserted(() -> assertThat(overdue(meters)).isZero());
    }

    private static double overdue(MeterRegistry meters) {
        Gauge gauge = meters.find("lapse.grants.overdue.in.target").tag("target", "postgres").gauge();
        assertThat(gauge).as("gauge lapse.grants.overdue.in.target{target=postgres}").isNotNull();
        return gauge.value();
    }

    @Test
    void reconciliationDropsAStrayRole_andRestoresARunningGrantsMissingRole() {
        // a stray: a grant role nobody in Lapse holds (left by a crash, or made by hand)
        String strayId = newRequestId("stray");
        String strayRole = "lapse_g_" + GrantIds.of(strayId);
        postgres.track(GrantIds.of(strayId));
        postgres.asSuperuserInCluster("CREATE ROLE " + strayRole + " NOLOGIN", "GRANT " + strayRole + " TO "
                + requester);
        // a running grant whose role someone dropped
        String id = newRequestId("restore");
        stack.send(Topics.ACCESS_APPROVED, id, approval(id, List.of("id", "email"), 600_000));
        stack.awaitRecords(List.of(Topics.ACCESS_GRANTED.name()), id, found -> !found.isEmpty(), WAIT);
        String role = "lapse_g_" + GrantIds.of(id);
        postgres.asSuperuser("REVOKE ALL ON public.customers FROM " + role);
        postgres.asSuperuserInCluster("DROP ROLE " + role);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(roleExists(strayId)).as("stray role dropped").isFalse();
            assertThat(roleExists(id)).as("missing role restored").isTrue();
        });
        await().atMost(WAIT).untilAsserted(() -> {
            try (Connection session = postgres.connectAs(requester)) {
                assertThat(read(session, "SELECT email FROM public.customers WHERE id = 1"))
                        .containsExactly("ann@example.com");
            }
        });
        stack.send(Topics.ACCESS_EXPIRED, id, expiry(id));
        stack.awaitRecords(List.of(Topics.ACCESS_WITHDRAWN.name()), id, found -> !found.isEmpty(), WAIT);
        assertThat(roleExists(id)).isFalse();
    }
}
