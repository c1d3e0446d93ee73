package dev.lapse.grant.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.grant.target.postgres.DatabasePools.Refusal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The target's transactions against the machine's server: their limits, and statements run in one round trip. */
class DatabasePoolsIT {

    private PostgresFixture db;
    private DatabasePools pools;

    @BeforeEach
    void setUp() {
        db = PostgresFixture.create();
        pools = new DatabasePools("pg", db.settings());
    }

    @AfterEach
    void tearDown() {
        if (pools != null) {
            pools.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void everyTransaction_hasTheLockAndStatementLimits_evenAfterOneWasRolledBack() throws Exception {
        assertThat(pools.inTransaction(db.database(), "read the limits", DatabasePoolsIT::limits))
                .containsExactly("5s", "30s");
        // a refused transaction rolls back; a SET LOCAL in it would be gone, a session setting must not be
        assertThatThrownBy(() -> pools.inTransaction(db.database(), "refuse", c -> {
            throw new Refusal("no");
        })).isInstanceOf(Refusal.class);
        for (int i = 0; i < 3; i++) {
            assertThat(pools.inTransaction(db.database(), "read the limits again", DatabasePoolsIT::limits))
                    .containsExactly("5s", "30s");
        }
    }

    @Test
    void executeAll_failingMidway_throwsTheServersOwnError_andLeavesNothingBehind() {
        String first = db.database() + "_first";
        String last = db.database() + "_last";
        List<String> done = new ArrayList<>();
        assertThatThrownBy(() -> pools.inTransaction(db.database(), "run three statements", c -> {
            PostgresTarget.executeAll(c, List.of(
                    new SqlStatement("CREATE ROLE " + first + " NOLOGIN", "made " + first),
                    new SqlStatement("GRANT lapse_no_such_role TO " + first, "granted"),
                    new SqlStatement("CREATE ROLE " + last + " NOLOGIN", "made " + last)), done);
            return null;
        })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("role \"lapse_no_such_role\" does not exist")
                .hasMessageContaining("(SQLSTATE 42704)")
                .hasMessageNotContaining("Batch entry");
        assertThat(done).isEmpty();
        assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_roles WHERE rolname IN ('" + first + "', '" + last
                + "')")).isEqualTo("0");
    }

    @Test
    void executeAll_runsEveryStatementInOrder_andReportsTheirLines() throws Exception {
        String role = db.database() + "_batch";
        List<String> done = new ArrayList<>();
        try {
            pools.inTransaction(db.database(), "run three statements", c -> {
                PostgresTarget.executeAll(c, List.of(
                        new SqlStatement("CREATE ROLE " + role + " NOLOGIN", "made"),
                        new SqlStatement("COMMENT ON ROLE " + role + " IS 'first'", null),
                        new SqlStatement("COMMENT ON ROLE " + role + " IS 'second'", "commented")), done);
                return null;
            });
            assertThat(done).containsExactly("made", "commented");
            assertThat(db.queryAsSuperuser("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = '"
                    + role + "'")).isEqualTo("second");
        } finally {
            db.asSuperuserInCluster("DROP ROLE IF EXISTS " + role);
        }
    }

    private static List<String> limits(java.sql.Connection c) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = c.createStatement()) {
            for (String setting : List.of("lock_timeout", "statement_timeout")) {
                try (ResultSet rs = statement.executeQuery("SHOW " + setting)) {
                    rs.next();
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }
}
