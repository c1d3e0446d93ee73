package dev.lapse.grant.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessExpired;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A backlog of expiries drains at once after an outage, but never with more database connections than the target
 * allows: grants fall due while grant-issuer is stopped; after it starts again every role is gone, and a watcher
 * that counted the admin's connections every few milliseconds never saw more than {@code max-connections}.
 * {@code -Dlapse.drain.grants=10000} runs the size and prints how long the drain took (a figure, never
 * asserted); CI runs 200.
 */
class WithdrawalDrainIT {

    private static final int GRANTS = Integer.getInteger("lapse.drain.grants", 200);
    private static final int MAX_CONNECTIONS = 4;
    private static final Duration WAIT = Duration.ofSeconds(Math.max(120, GRANTS / 20));
    private static final TestStack stack = TestStack.get();
    private static PostgresFixture postgres;
    private static String requester;

    @BeforeAll
    static void start() {
        postgres = PostgresFixture.create();
        requester = postgres.newRequester();
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    private static ConfigurableApplicationContext grantIssuer() {
        String target = "--lapse.grant.targets.postgres.";
        return GrantIssuerApplication.builder().run(stack.springArgs(
                "--lapse.instance-id=gi-drain",
                target + "url=" + PostgresFixture.URL,
                target + "username=" + postgres.admin(),
                target + "databases[0]=" + postgres.database(),
                target + "max-connections=" + MAX_CONNECTIONS,
                "--lapse.grant.withdrawal-concurrency=" + MAX_CONNECTIONS));
    }

    @Test
    void aBacklogOfExpiriesDrainsWithBoundedConnections() throws Exception {
        String prefix = "gi-drain-" + UUID.randomUUID() + "-";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < GRANTS; i++) {
            ids.add(prefix + i);
            postgres.track(GrantIds.of(prefix + i));
        }
        // given: GRANTS live grants in the target
        try (ConfigurableApplicationContext first = grantIssuer()) {
            for (String id : ids) {
                stack.send(Topics.ACCESS_APPROVED, id, AccessApproved.newBuilder()
                        .setEventId("approved-" + id).setRequestId(id).setOccurredAt(Instant.now())
                        .setCausedBy(new Actor(ActorKind.SERVICE, "policy-engine"))
                        .setRequester(new Requester(requester + "@example.com", List.of()))
                        .setResource(new Resource("postgres", postgres.customers()))
                        .setScope(new Scope(List.of("SELECT"), List.of("id", "email"), null))
                        .setApprovedDurationMs(600_000).setPolicy("test").build());
            }
            stack.awaitRecords(List.of(Topics.ACCESS_GRANTED.name()), key -> key.startsWith(prefix),
                    found -> found.size() >= GRANTS, WAIT);
        }
        assertThat(grantRoles()).isEqualTo(GRANTS);

        // when: they all fall due while grant-issuer is stopped, and it starts again
        for (String id : ids) {
            stack.send(Topics.ACCESS_EXPIRED, id, AccessExpired.newBuilder()
                    .setEventId("expired-" + id).setRequestId(id).setOccurredAt(Instant.now())
                    .setCausedBy(new Actor(ActorKind.SERVICE, "revoker"))
                    .setGrantId(GrantIds.of(id)).setRequesterId(requester + "@example.com")
                    .setReason(ExpiryReason.TIME_ELAPSED).setExpiresAt(Instant.now()).build());
        }
        AtomicInteger peak = new AtomicInteger();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> watchConnections(peak, watching), "drain-connection-watcher");
        watcher.start();
        long startedNs = System.nanoTime();
        List<ConsumerRecord<String, Object>> withdrawn;
        try (ConfigurableApplicationContext restarted = grantIssuer()) {
            withdrawn = stack.awaitRecords(List.of(Topics.ACCESS_WITHDRAWN.name()), key -> key.startsWith(prefix),
                    found -> found.size() >= GRANTS, WAIT);
        } finally {
            watching.set(false);
            watcher.join();
        }
        double seconds = (System.nanoTime() - startedNs) / 1e9;

        // then: every role is gone, each withdrawn once, and the connections stayed within the bound
        assertThat(withdrawn).hasSize(GRANTS);
        assertThat(withdrawn).allSatisfy(record ->
                assertThat(((AccessWithdrawn) record.value()).getWithdrawn()).isNotEmpty());
        assertThat(grantRoles()).isZero();
        assertThat(peak.get()).as("peak connections of the admin").isBetween(1, MAX_CONNECTIONS);
        System.out.printf("withdrawal drain: %d grants withdrawn %.1f s after grant-issuer started again (start-up "
                + "included), %.0f withdrawals/s; peak %d database connections (bound %d)%n", GRANTS, seconds,
                GRANTS / seconds, peak.get(), MAX_CONNECTIONS);
    }

    private static int grantRoles() {
        return Integer.parseInt(postgres.queryAsSuperuser("SELECT count(*) FROM pg_auth_members m JOIN pg_roles g "
                + "ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member WHERE g.rolname LIKE 'lapse\\_g\\_%' "
                + "AND r.rolname = '" + requester + "'"));
    }

    private static void watchConnections(AtomicInteger peak, AtomicBoolean watching) {
        try (Connection c = DriverManager.getConnection(PostgresFixture.URL + "/postgres", "postgres", "");
             PreparedStatement count = c.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE usename = ?")) {
            count.setString(1, postgres.admin());
            while (watching.get()) {
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    peak.accumulateAndGet(rows.getInt(1), Math::max);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("connection watcher failed: " + e.getMessage(), e);
        }
    }
}
