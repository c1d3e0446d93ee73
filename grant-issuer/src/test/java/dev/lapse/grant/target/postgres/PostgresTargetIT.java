package dev.lapse.grant.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lapse.grant.target.GrantSpec;
import dev.lapse.grant.target.PresentGrant;
import dev.lapse.grant.target.Provisioning;
import dev.lapse.grant.target.Provisioning.Provisioned;
import dev.lapse.grant.target.Provisioning.Refused;
import dev.lapse.grant.target.TargetUnavailableException;
import dev.lapse.grant.target.postgres.PostgresTargetSettings.ColumnMask;
import dev.lapse.grant.target.postgres.PostgresTargetSettings.ProtectedTable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PostgreSQL target against the machine's server, checked by logging in as the requester. */
class PostgresTargetIT {

    private static final Instant GRANTED = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant EXPIRES = GRANTED.plus(Duration.ofMinutes(30));

    private PostgresFixture db;
    private PostgresTarget target;
    private String alice;

    @BeforeEach
    void setUp() {
        db = PostgresFixture.create();
        alice = db.newRequester();
        target = PostgresTarget.open("pg", db.settings().withProtectedTables(List.of(new ProtectedTable(db.customers(),
                List.of(new ColumnMask("email", "partial-email"), new ColumnMask("card_number", "partial:0:4"),
                        new ColumnMask("name", "hash"), new ColumnMask("id", "text:#"),
                        new ColumnMask("region", "text:?")))), "test-key"));
    }

    @AfterEach
    void tearDown() {
        if (target != null) {
            target.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private GrantSpec grant(String grantId, String requester, List<String> actions, List<String> columns,
            @Nullable String rowFilter) {
        return new GrantSpec(grantId, "req-" + grantId, requester + "@example.com", "pg", db.customers(), actions,
                columns, rowFilter, GRANTED, EXPIRES);
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(String.valueOf(rs.getString(i)));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static void denied(Connection c, String sql) {
        assertThatThrownBy(() -> rows(c, sql)).isInstanceOf(SQLException.class)
                .hasMessageContaining("permission denied");
    }

    /** The shared privilege role of an action on columns of the fixture's customers table. */
    private String shared(TableAction action, String... columns) {
        return new PrivilegeRole(TableName.parse(db.customers()), action,
                java.util.Arrays.stream(columns).map(SqlIdentifier::of).toList()).role().name();
    }

    /**
     * The roles other than the owner in the ACLs of the customers table and its columns, which live in catalog rows
     * that cannot outgrow a page.
     */
    private String aclGrantees() {
        return db.queryAsSuperuser("SELECT string_agg(DISTINCT x.grantee::regrole::text, ',') FROM ("
                + " SELECT c.relacl AS acl, c.relowner FROM pg_class c WHERE c.oid = 'public.customers'::regclass"
                + " UNION ALL SELECT a.attacl, c.relowner FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                + "   WHERE a.attrelid = 'public.customers'::regclass) acls, aclexplode(acls.acl) x"
                + " WHERE x.grantee <> acls.relowner");
    }

    private static Provisioned provisioned(Provisioning result) {
        assertThat(result).isInstanceOf(Provisioned.class);
        return (Provisioned) result;
    }

    @Test
    void aSelectGrantOpensExactlyItsColumnsToAnOpenSessionAndClosesThemAgain() throws SQLException {
        String id = db.newGrantId();
        try (Connection session = db.connectAs(alice)) {
            denied(session, "SELECT id, email FROM public.customers");

            Provisioned result = provisioned(target.provision(grant(id, alice, List.of("SELECT"), List.of("id", "email"),
                    null)));
            String shared = shared(TableAction.SELECT, "email", "id");
            assertThat(result.done()).contains(
                    "CREATE ROLE lapse_g_" + id + " NOLOGIN",
                    "GRANT SELECT (id, email) ON " + db.customers() + " TO " + shared + " (shared)",
                    "GRANT " + shared + " TO lapse_g_" + id,
                    "GRANT lapse_g_" + id + " TO " + alice);
            // the grant role holds no privilege on the table itself: only its membership of the shared role
            assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_attribute a, aclexplode(a.attacl) x"
                    + " WHERE a.attrelid = 'public.customers'::regclass AND x.grantee = 'lapse_g_" + id + "'::regrole"))
                    .isEqualTo("0");
            assertThat(db.queryAsSuperuser("SELECT shobj_description('" + shared + "'::regrole, 'pg_authid')"))
                    .isEqualTo("{\"lapse\":\"privilege\",\"database\":\"" + db.database() + "\",\"table\":\""
                            + db.customers() + "\",\"action\":\"SELECT\",\"columns\":[\"email\",\"id\"]}");

            assertThat(rows(session, "SELECT id, email FROM public.customers ORDER BY id")).containsExactly(
                    List.of("1", "ann@example.com"), List.of("2", "bob@example.com"), List.of("3", "cem@example.com"));
            denied(session, "SELECT * FROM public.customers");
            denied(session, "SELECT ssn FROM public.customers");
            denied(session, "UPDATE public.customers SET email = 'x'");
            assertThat(target.present()).containsExactly(new PresentGrant(id, "req-" + id, GRANTED, EXPIRES));

            List<String> withdrawn = target.withdraw(id, alice + "@example.com");
            assertThat(withdrawn).contains("REVOKE " + shared + " FROM lapse_g_" + id,
                    "REVOKE lapse_g_" + id + " FROM " + alice, "DROP ROLE lapse_g_" + id);
            denied(session, "SELECT id, email FROM public.customers");
            assertThat(target.present()).isEmpty();
            // the privilege role stays, with no member it grants nothing
            assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_auth_members WHERE roleid = '" + shared
                    + "'::regrole")).isEqualTo("0");
        }
    }

    @Test
    void theMaskedViewFollowsTheGrantLiveInOneSession() throws SQLException {
        assertThat(target.prepare()).anyMatch(line -> line.startsWith("masked view "));
        String id = db.newGrantId();
        String query = "SELECT id, name, email, ssn, card_number FROM lapse_masked.customers ORDER BY email";
        try (Connection session = db.connectAs(alice)) {
            List<List<String>> masked = rows(session, query);
            assertThat(masked.get(0).get(0)).isEqualTo("#");
            assertThat(masked.get(0).get(1)).matches("[0-9a-f]{16}").isNotEqualTo("Ann");
            assertThat(masked).extracting(row -> row.get(2))
                    .containsExactly("a***@example.com", "b***@example.com", "c***@example.com");
            assertThat(masked).extracting(row -> row.get(3)).containsOnly("null");
            assertThat(masked.get(0).get(4)).isEqualTo("************1111");
            denied(session, "SELECT * FROM lapse_masked.lapse_mask_key");

            provisioned(target.provision(grant(id, alice, List.of("SELECT"), List.of("email"), null)));
            List<List<String>> during = rows(session, query);
            assertThat(during).extracting(row -> row.get(2))
                    .containsExactly("ann@example.com", "bob@example.com", "cem@example.com");
            assertThat(during).extracting(row -> row.get(3)).containsOnly("null");
            assertThat(during.get(0).get(1)).isEqualTo(masked.get(0).get(1));

            target.withdraw(id, alice + "@example.com");
            assertThat(rows(session, query)).isEqualTo(masked);
        }
    }

    @Test
    void aHashMaskIsTheKeyedSha256() throws SQLException {
        target.prepare();
        try (Connection session = db.connectAs(alice)) {
            String expected = db.queryAsSuperuser(
                    "SELECT left(encode(sha256(convert_to('test-key' || 'Ann', 'UTF8')), 'hex'), 16)");
            assertThat(rows(session, "SELECT name FROM lapse_masked.customers")).contains(List.of(expected));
        }
    }

    @Test
    void aRowLimitedGrantSeesOnlyItsRowsDirectlyAndInClearThroughTheView() throws SQLException {
        db.asSuperuser("ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY");
        target.prepare();
        String id = db.newGrantId();
        String bob = db.newRequester();
        try (Connection session = db.connectAs(alice); Connection other = db.connectAs(bob)) {
            Provisioned result = provisioned(target.provision(grant(id, alice, List.of("SELECT"),
                    List.of("id", "email"), "region = 'EU'")));
            assertThat(result.done()).anyMatch(line -> line.startsWith("CREATE POLICY lapse_g_" + id
                    + "_select ON " + db.customers() + " FOR SELECT TO lapse_g_" + id + " USING ((\"region\" = 'EU'))"));
            assertThat(result.done()).anyMatch(line -> line.startsWith("REDEFINE VIEW "));

            assertThat(rows(session, "SELECT id, email FROM public.customers ORDER BY id")).containsExactly(
                    List.of("1", "ann@example.com"), List.of("3", "cem@example.com"));
            assertThat(rows(session, "SELECT id, email FROM lapse_masked.customers")).containsExactlyInAnyOrder(
                    List.of("1", "ann@example.com"), List.of("#", "b***@example.com"), List.of("3", "cem@example.com"));
            assertThat(rows(other, "SELECT email FROM lapse_masked.customers ORDER BY email")).extracting(r -> r.get(0))
                    .containsExactly("a***@example.com", "b***@example.com", "c***@example.com");

            target.withdraw(id, alice + "@example.com");
            assertThat(rows(session, "SELECT email FROM lapse_masked.customers ORDER BY email")).extracting(r -> r.get(0))
                    .containsExactly("a***@example.com", "b***@example.com", "c***@example.com");
            denied(session, "SELECT id FROM public.customers");
        }
    }

    private String overlapReason(String requester, String heldGrantId) {
        return requester + "@example.com already holds grant " + heldGrantId + " on " + db.customers()
                + " with another row filter; on a table with row-level security PostgreSQL would let each grant's"
                + " columns be read on the other's rows: end that grant first, or ask for both in one request with"
                + " one filter";
    }

    /** Grant roles, their members and the policies on customers: what a refusal must leave as it was. */
    private String grantState() {
        return db.queryAsSuperuser("SELECT coalesce((SELECT string_agg(g.rolname || '>' || m.rolname, ','"
                + " ORDER BY g.rolname, m.rolname) FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid"
                + " JOIN pg_roles m ON m.oid = am.member WHERE g.rolname LIKE 'lapse\\_g\\_%'), '')"
                + " || ' ' || coalesce((SELECT string_agg(policyname || ':' || qual, ',' ORDER BY policyname)"
                + " FROM pg_policies WHERE tablename = 'customers'), '')"
                + " || ' ' || (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'lapse\\_g\\_%')");
    }

    @Test
    void aSecondGrantWithAnotherRowFilterIsRefusedAndTheFirstStaysExact() throws SQLException {
        db.asSuperuser("ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY");
        target.prepare();
        String g1 = db.newGrantId();
        String g2 = db.newGrantId();
        provisioned(target.provision(grant(g1, alice, List.of("SELECT"), List.of("email"), "region = 'EU'")));
        String before = grantState();

        assertThat(target.provision(grant(g2, alice, List.of("SELECT"), List.of("name"), null)))
                .isEqualTo(new Refused(overlapReason(alice, g1)));
        assertThat(target.provision(grant(g2, alice, List.of("SELECT"), List.of("name"), "region = 'US'")))
                .isEqualTo(new Refused(overlapReason(alice, g1)));
        assertThat(grantState()).isEqualTo(before);
        assertThat(target.present()).extracting(PresentGrant::grantId).containsExactly(g1);

        try (Connection session = db.connectAs(alice)) {
            assertThat(rows(session, "SELECT email FROM public.customers ORDER BY email")).containsExactly(
                    List.of("ann@example.com"), List.of("cem@example.com"));
            denied(session, "SELECT name FROM public.customers");
            List<List<String>> view = rows(session, "SELECT name, email FROM lapse_masked.customers ORDER BY email");
            assertThat(view).extracting(r -> r.get(0)).allMatch(name -> name.matches("[0-9a-f]{16}"));
            assertThat(view).extracting(r -> r.get(1))
                    .containsExactly("ann@example.com", "b***@example.com", "cem@example.com");
        }
        // re-provisioning the held grant itself still converges
        provisioned(target.provision(grant(g1, alice, List.of("SELECT"), List.of("email"), "region = 'EU'")));
        assertThat(grantState()).isEqualTo(before);
        // once it has ended, the other filter is fine
        target.withdraw(g1, alice + "@example.com");
        provisioned(target.provision(grant(g2, alice, List.of("SELECT"), List.of("name"), null)));
    }

    @Test
    void actionsThatShareRowsAreRefusedAcrossFiltersInsertIsNot() {
        db.asSuperuser("ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY");
        String g1 = db.newGrantId();
        provisioned(target.provision(grant(g1, alice, List.of("SELECT"), List.of("email"), "region = 'EU'")));
        assertThat(target.provision(grant(db.newGrantId(), alice, List.of("DELETE"), List.of(), null)))
                .isEqualTo(new Refused(overlapReason(alice, g1)));
        assertThat(target.provision(grant(db.newGrantId(), alice, List.of("UPDATE"), List.of("name"), null)))
                .isEqualTo(new Refused(overlapReason(alice, g1)));
        provisioned(target.provision(grant(db.newGrantId(), alice, List.of("INSERT"), List.of("id", "region"), null)));
        // another requester is not affected by alice's grant
        String bob = db.newRequester();
        provisioned(target.provision(grant(db.newGrantId(), bob, List.of("SELECT"), List.of("name"), null)));
    }

    @Test
    void twoGrantsWithTheSameRowFilterReadTheUnionOfColumnsOnExactlyTheFiltersRows() throws SQLException {
        db.asSuperuser("ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY");
        target.prepare();
        String g1 = db.newGrantId();
        String g2 = db.newGrantId();
        provisioned(target.provision(grant(g1, alice, List.of("SELECT"), List.of("email"), "region = 'EU'")));
        provisioned(target.provision(grant(g2, alice, List.of("SELECT"), List.of("name"), "REGION IN ('EU')")));
        provisioned(target.provision(grant(g1, alice, List.of("SELECT"), List.of("email"), "region = 'EU'")));
        String view = "SELECT name, email FROM lapse_masked.customers ORDER BY email";
        try (Connection session = db.connectAs(alice)) {
            assertThat(rows(session, "SELECT name, email FROM public.customers ORDER BY name")).containsExactly(
                    List.of("Ann", "ann@example.com"), List.of("Cem", "cem@example.com"));
            denied(session, "SELECT id FROM public.customers");
            denied(session, "SELECT region FROM public.customers");
            List<List<String>> both = rows(session, view);
            assertThat(both.get(0)).isEqualTo(List.of("Ann", "ann@example.com"));
            assertThat(both.get(1).get(0)).matches("[0-9a-f]{16}");
            assertThat(both.get(1).get(1)).isEqualTo("b***@example.com");
            assertThat(both.get(2)).isEqualTo(List.of("Cem", "cem@example.com"));

            target.withdraw(g1, alice + "@example.com");
            denied(session, "SELECT email FROM public.customers");
            assertThat(rows(session, "SELECT name FROM public.customers ORDER BY name")).containsExactly(
                    List.of("Ann"), List.of("Cem"));
            List<List<String>> after = rows(session, view);
            assertThat(after).extracting(r -> r.get(0)).containsExactly("Ann", after.get(1).get(0), "Cem");
            assertThat(after.get(1).get(0)).matches("[0-9a-f]{16}");
            assertThat(after).extracting(r -> r.get(1))
                    .containsExactly("a***@example.com", "b***@example.com", "c***@example.com");
        }
        assertThat(target.present()).extracting(PresentGrant::grantId).containsExactly(g2);
    }

    @Test
    void ofTwoConcurrentGrantsWithDifferentFiltersOnlyOnePasses() {
        db.asSuperuser("ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY");
        String g1 = db.newGrantId();
        String g2 = db.newGrantId();
        CompletableFuture<Provisioning> first = CompletableFuture.supplyAsync(() -> target.provision(
                grant(g1, alice, List.of("SELECT"), List.of("email"), "region = 'EU'")));
        CompletableFuture<Provisioning> second = CompletableFuture.supplyAsync(() -> target.provision(
                grant(g2, alice, List.of("SELECT"), List.of("name"), null)));
        List<Provisioning> results = List.of(first.join(), second.join());
        assertThat(results).filteredOn(Provisioned.class::isInstance).hasSize(1);
        assertThat(results).filteredOn(Refused.class::isInstance).hasSize(1);
        String passed = results.get(0) instanceof Provisioned ? g1 : g2;
        String refused = passed.equals(g1) ? g2 : g1;
        assertThat(results.get(passed.equals(g1) ? 1 : 0)).isEqualTo(new Refused(overlapReason(alice, passed)));
        assertThat(target.present()).extracting(PresentGrant::grantId).containsExactly(passed);
        assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_roles WHERE rolname = 'lapse_g_" + refused + "'"))
                .isEqualTo("0");
    }

    @Test
    void insertAndUpdateReachOnlyTheGrantedColumns() throws SQLException {
        String id = db.newGrantId();
        provisioned(target.provision(grant(id, alice, List.of("INSERT", "update"), List.of("id", "name", "region"),
                null)));
        try (Connection session = db.connectAs(alice); Statement s = session.createStatement()) {
            s.executeUpdate("INSERT INTO public.customers (id, name, region) VALUES (4, 'Dee', 'EU')");
            s.executeUpdate("UPDATE public.customers SET name = 'Ann B.'");
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO public.customers (id, email) VALUES (5, 'x')"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.executeUpdate("UPDATE public.customers SET email = 'x'"))
                    .hasMessageContaining("permission denied");
            denied(session, "SELECT name FROM public.customers");
        }
        assertThat(db.queryAsSuperuser("SELECT string_agg(name, ',' ORDER BY id) FROM public.customers"))
                .isEqualTo("Ann B.,Ann B.,Ann B.,Ann B.");
    }

    @Test
    void aRowLimitedUpdateCannotMoveRowsOutOfItsFilter() throws SQLException {
        db.asSuperuser("ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY");
        String id = db.newGrantId();
        provisioned(target.provision(grant(id, alice, List.of("SELECT", "UPDATE"), List.of("id", "region", "name"),
                "region = 'EU'")));
        try (Connection session = db.connectAs(alice); Statement s = session.createStatement()) {
            assertThat(s.executeUpdate("UPDATE public.customers SET name = 'x'")).isEqualTo(2);
            assertThatThrownBy(() -> s.executeUpdate("UPDATE public.customers SET region = 'US' WHERE id = 1"))
                    .hasMessageContaining("row-level security");
        }
        assertThat(db.queryAsSuperuser("SELECT name FROM public.customers WHERE id = 2")).isEqualTo("Bob");
    }

    @Test
    void aRowLimitedDeleteRemovesOnlyItsRows() throws SQLException {
        db.asSuperuser("ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY");
        String id = db.newGrantId();
        Provisioned result = provisioned(target.provision(grant(id, alice, List.of("SELECT", "DELETE"), List.of("id"),
                "region = 'EU'")));
        assertThat(result.done()).contains("GRANT DELETE ON " + db.customers() + " TO " + shared(TableAction.DELETE)
                        + " (shared) (table-level: whole rows, limited by the grant's row policy)")
                .anyMatch(line -> line.startsWith("CREATE POLICY lapse_g_" + id + "_delete ON " + db.customers()
                        + " FOR DELETE TO lapse_g_" + id + " USING ((\"region\" = 'EU'))"));
        try (Connection session = db.connectAs(alice); Statement s = session.createStatement()) {
            assertThat(s.executeUpdate("DELETE FROM public.customers")).isEqualTo(2);
        }
        assertThat(db.queryAsSuperuser("SELECT string_agg(name, ',') FROM public.customers")).isEqualTo("Bob");
    }

    @Test
    void withdrawingOneOfTwoOverlappingGrantsKeepsTheOther() throws SQLException {
        String g1 = db.newGrantId();
        String g2 = db.newGrantId();
        provisioned(target.provision(grant(g1, alice, List.of("SELECT"), List.of("email"), null)));
        provisioned(target.provision(grant(g2, alice, List.of("SELECT"), List.of("email", "name"), null)));
        try (Connection session = db.connectAs(alice)) {
            target.withdraw(g1, alice + "@example.com");
            assertThat(rows(session, "SELECT name, email FROM public.customers ORDER BY name")).first()
                    .isEqualTo(List.of("Ann", "ann@example.com"));
            assertThat(target.present()).extracting(PresentGrant::grantId).containsExactly(g2);
            target.withdraw(g2, alice + "@example.com");
            denied(session, "SELECT email FROM public.customers");
        }
    }

    @Test
    void provisioningAndWithdrawingTwiceLeaveTheSameState() throws SQLException {
        db.asSuperuser("ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY");
        String id = db.newGrantId();
        GrantSpec spec = grant(id, alice, List.of("SELECT"), List.of("id", "email"), "region = 'EU'");
        String state = "SELECT (SELECT string_agg(a.attname || ':' || has_column_privilege('lapse_g_" + id
                + "', 'public.customers', a.attname, 'SELECT'), ',' ORDER BY a.attnum) FROM pg_attribute a"
                + " WHERE a.attrelid = 'public.customers'::regclass AND a.attnum > 0)"
                + " || ' ' || (SELECT string_agg(policyname, ',') FROM pg_policies WHERE tablename = 'customers')"
                + " || ' ' || (SELECT string_agg(m.rolname, ',') FROM pg_auth_members am JOIN pg_roles m"
                + " ON m.oid = am.member WHERE am.roleid = 'lapse_g_" + id + "'::regrole)"
                + " || ' ' || (SELECT string_agg(p.rolname, ',') FROM pg_auth_members am JOIN pg_roles p"
                + " ON p.oid = am.roleid WHERE am.member = 'lapse_g_" + id + "'::regrole)";
        provisioned(target.provision(spec));
        String once = db.queryAsSuperuser(state);
        assertThat(once).isEqualTo("id:true,name:false,email:true,ssn:false,card_number:false,region:false lapse_g_"
                + id + "_select " + alice + " " + shared(TableAction.SELECT, "id", "email"));
        provisioned(target.provision(spec));
        assertThat(db.queryAsSuperuser(state)).isEqualTo(once);

        // partly removed by hand: provisioning again puts exactly the grant back
        // (another grant makes the privilege role of SELECT (ssn), which the grant role is then put in by hand)
        String other = db.newGrantId();
        provisioned(target.provision(grant(other, db.newRequester(), List.of("SELECT"), List.of("ssn"),
                "region = 'EU'")));
        String sharedIdEmail = shared(TableAction.SELECT, "id", "email");
        db.asSuperuser("REVOKE lapse_g_" + id + " FROM " + alice,
                "REVOKE " + sharedIdEmail + " FROM lapse_g_" + id,
                "GRANT " + shared(TableAction.SELECT, "ssn") + " TO lapse_g_" + id,
                "GRANT SELECT (name) ON public.customers TO lapse_g_" + id,
                "GRANT SELECT (card_number) ON public.customers TO " + sharedIdEmail);
        provisioned(target.provision(spec));
        target.withdraw(other, "x@example.com");
        assertThat(db.queryAsSuperuser(state)).isEqualTo(once);

        assertThat(target.withdraw(id, alice + "@example.com")).isNotEmpty();
        assertThat(target.withdraw(id, alice + "@example.com")).isEmpty();
        assertThat(target.withdraw(db.newGrantId(), alice + "@example.com")).isEmpty();
        assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_policies WHERE tablename = 'customers'")).isEqualTo("0");
    }

    @Test
    void aGrantRoleOfTheOldSchemeHoldingPrivilegesItselfIsStillWithdrawn() throws SQLException {
        String id = db.newGrantId();
        String comment = new GrantComment("req-" + id, alice, db.database(), "public", "customers", GRANTED, EXPIRES,
                List.of("SELECT"), List.of("id", "email"), List.of(), null).toJson();
        db.asSuperuser("CREATE ROLE lapse_g_" + id + " NOLOGIN",
                "GRANT SELECT (id, email) ON public.customers TO lapse_g_" + id,
                // a table-level privilege too: withdrawal finds both kinds through pg_shdepend, or DROP ROLE fails
                "GRANT DELETE ON public.customers TO lapse_g_" + id,
                "GRANT lapse_g_" + id + " TO " + alice,
                "COMMENT ON ROLE lapse_g_" + id + " IS " + SqlLiteral.quote(comment));
        try (Connection session = db.connectAs(alice)) {
            assertThat(rows(session, "SELECT email FROM public.customers WHERE id = 1"))
                    .containsExactly(List.of("ann@example.com"));
            assertThat(target.withdraw(id, alice + "@example.com")).contains(
                    "REVOKE ALL ON " + db.customers() + " FROM lapse_g_" + id,
                    "REVOKE lapse_g_" + id + " FROM " + alice, "DROP ROLE lapse_g_" + id);
            denied(session, "SELECT email FROM public.customers");
        }
        assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_roles WHERE rolname = 'lapse_g_" + id + "'"))
                .isEqualTo("0");
    }

    @Test
    void aProgramLimitOfTheServerIsARefusalNotAnEndlessRetry() {
        // fill the email column's ACL (one pg_attribute row, which cannot outgrow a page) as the old scheme did,
        // up to the grant that no longer fits
        String filler = db.database() + "_acl_";
        db.asSuperuser("DO $$BEGIN FOR i IN 1..20000 LOOP EXECUTE format('CREATE ROLE %I NOLOGIN', '" + filler
                + "' || i); BEGIN EXECUTE format('GRANT SELECT (email) ON public.customers TO %I', '" + filler
                + "' || i); EXCEPTION WHEN program_limit_exceeded THEN RETURN; END; END LOOP; END$$");
        try {
            assertThat(Integer.parseInt(db.queryAsSuperuser("SELECT count(*) FROM pg_roles WHERE rolname LIKE '"
                    + filler + "%'"))).isLessThan(20000);
            String id = db.newGrantId();
            Provisioning result = target.provision(grant(id, alice, List.of("SELECT"), List.of("email"), null));
            assertThat(result).isInstanceOf(Refused.class);
            assertThat(((Refused) result).reason()).contains("program limits", "SQLSTATE 54000", "row is too big");
            assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_roles WHERE rolname = 'lapse_g_" + id + "'"))
                    .isEqualTo("0");
        } finally {
            // the table goes with the test (its privileges with it), then the filler roles can go
            db.asSuperuser("DROP TABLE public.customers CASCADE");
            db.asSuperuserInCluster("DO $$DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname"
                    + " LIKE '" + filler + "%' LOOP EXECUTE format('DROP ROLE %I', r); END LOOP; END$$");
        }
    }

    @Test
    void fifteenHundredGrantsOnOneTableAllHoldAndAllGo() throws SQLException {
        List<String> requesters = List.of(alice, db.newRequester(), db.newRequester());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            String id = db.newGrantId();
            ids.add(id);
            provisioned(target.provision(grant(id, requesters.get(i % requesters.size()), List.of("SELECT"),
                    i % 2 == 0 ? List.of("id", "email") : List.of("email", "id"), null)));
        }
        String shared = shared(TableAction.SELECT, "id", "email");
        assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_auth_members WHERE roleid = '" + shared
                + "'::regrole")).isEqualTo("1500");
        // one shared role in the ACLs (on its two columns), however many grants are live
        assertThat(aclGrantees()).isEqualTo(shared);
        for (String requester : requesters) {
            try (Connection session = db.connectAs(requester)) {
                assertThat(rows(session, "SELECT count(email) FROM public.customers")).containsExactly(List.of("3"));
                denied(session, "SELECT ssn FROM public.customers");
            }
        }
        for (int i = 0; i < ids.size(); i++) {
            assertThat(target.withdraw(ids.get(i), requesters.get(i % requesters.size()) + "@example.com"))
                    .contains("DROP ROLE lapse_g_" + ids.get(i));
        }
        assertThat(target.present()).isEmpty();
        assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'lapse\\_g\\_%'"
                + " AND shobj_description(oid, 'pg_authid') LIKE '%" + db.database() + "%'")).isEqualTo("0");
        assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_auth_members WHERE roleid = '" + shared
                + "'::regrole")).isEqualTo("0");
        for (String requester : requesters) {
            try (Connection session = db.connectAs(requester)) {
                denied(session, "SELECT email FROM public.customers");
            }
        }
    }

    @Test
    void anActionTheAdminCannotGrant_isRefusedByName_andTheOthersDoNotHideIt() {
        // a table of the superuser's: the admin may pass on SELECT and DELETE only
        db.asSuperuser("CREATE TABLE public.ledger (id int, amount int)",
                "GRANT SELECT, DELETE ON public.ledger TO " + db.admin() + " WITH GRANT OPTION");
        String ledger = db.database() + ".public.ledger";
        String id = db.newGrantId();
        assertThat(target.provision(new GrantSpec(id, "r", alice + "@example.com", "pg", ledger,
                List.of("DELETE", "UPDATE", "SELECT"), List.of("id"), null, GRANTED, EXPIRES)))
                .isEqualTo(new Refused("Lapse's admin cannot grant UPDATE on " + ledger));
        assertThat(target.provision(new GrantSpec(id, "r", alice + "@example.com", "pg", ledger,
                List.of("DELETE", "SELECT"), List.of("id"), null, GRANTED, EXPIRES)))
                .isInstanceOf(Provisioned.class);
        assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_roles WHERE rolname = 'lapse_g_" + id + "'"))
                .isEqualTo("1");
    }

    @Test
    void refusalsSayWhyAndChangeNothing() {
        String id = db.newGrantId();
        String customers = db.customers();
        record Case(GrantSpec spec, String reason) {
        }
        List<Case> cases = List.of(
                new Case(new GrantSpec(id, "r", alice + "@example.com", "pg", db.database() + ".public.nope",
                        List.of("SELECT"), List.of("id"), null, GRANTED, EXPIRES),
                        "table " + db.database() + ".public.nope does not exist"),
                new Case(grant(id, alice, List.of("SELECT"), List.of("id", "nope"), null),
                        "column nope of " + customers + " does not exist"),
                new Case(grant(id, "nobody_" + id, List.of("SELECT"), List.of("id"), null),
                        "database role nobody_" + id + " (for requester nobody_" + id + "@example.com) does not exist"),
                new Case(grant(id, alice, List.of("SELECT"), List.of("id"), "region = 'EU'"),
                        "table " + customers + " does not have row-level security enabled, so a row filter cannot be"
                                + " enforced on it (Lapse never enables row-level security by itself)"),
                new Case(grant(id, alice, List.of("TRUNCATE"), List.of("id"), null),
                        "action TRUNCATE is not supported on a PostgreSQL table (SELECT, INSERT, UPDATE, DELETE)"),
                new Case(grant(id, alice, List.of("SELECT"), List.of(), null),
                        "no columns were approved for [SELECT], which is granted per column"),
                new Case(grant(id, alice, List.of("SELECT"), List.of("id"), "region = 'EU' OR 1=1"),
                        "row filter 'region = 'EU' OR 1=1' cannot be read: expected AND or the end of the filter at"
                                + " position 15 ('OR 1=1')"),
                new Case(new GrantSpec(id, "r", alice + "@example.com", "pg", "other.public.customers",
                        List.of("SELECT"), List.of("id"), null, GRANTED, EXPIRES),
                        "database other is not managed by target pg"));
        for (Case c : cases) {
            assertThat(target.provision(c.spec())).isEqualTo(new Refused(c.reason()));
        }
        db.asSuperuser("ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY");
        assertThat(target.provision(grant(id, alice, List.of("SELECT"), List.of("id"), "nope = 1")))
                .isEqualTo(new Refused("row filter names column nope, which " + customers + " does not have"));
        assertThat(target.provision(grant(id, alice, List.of("SELECT"), List.of("id"), "id = 'abc'")))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason())
                        .startsWith("row filter 'id = 'abc'' does not fit " + customers + ": ")
                        .contains("invalid input syntax for type integer"));
        assertThat(target.present()).isEmpty();
        assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_roles WHERE rolname = 'lapse_g_" + id + "'"))
                .isEqualTo("0");
        assertThat(db.queryAsSuperuser("SELECT count(*) FROM pg_policies WHERE tablename = 'customers'")).isEqualTo("0");
    }

    @Test
    void anUnreachableTargetIsUnavailableAndRecovers() {
        String id = db.newGrantId();
        GrantSpec spec = grant(id, alice, List.of("SELECT"), List.of("email"), null);
        provisioned(target.provision(spec));

        db.asSuperuserInCluster("ALTER ROLE " + db.admin() + " NOLOGIN");
        db.terminateBackendsOf(db.admin());
        assertThatThrownBy(() -> target.withdraw(id, alice + "@example.com"))
                .isInstanceOf(TargetUnavailableException.class);
        db.asSuperuserInCluster("ALTER ROLE " + db.admin() + " LOGIN");
        assertThat(target.present()).extracting(PresentGrant::grantId).containsExactly(id);

        db.asSuperuserInCluster("REVOKE CONNECT ON DATABASE " + db.database() + " FROM PUBLIC");
        db.terminateBackendsOf(db.admin());
        // the pooled connection was ended (as in an outage); a new one is refused
        assertThatThrownBy(() -> target.provision(spec)).isInstanceOf(TargetUnavailableException.class);
        assertThatThrownBy(() -> target.provision(spec)).isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("permission denied for database");
        db.asSuperuserInCluster("GRANT CONNECT ON DATABASE " + db.database() + " TO PUBLIC");
        assertThat(target.withdraw(id, alice + "@example.com")).contains("DROP ROLE lapse_g_" + id);
    }

    @Test
    void withdrawalEndsTheRequestersRunningStatement() throws Exception {
        String id = db.newGrantId();
        provisioned(target.provision(grant(id, alice, List.of("SELECT"), List.of("email"), null)));
        try (Connection session = db.connectAs(alice)) {
            CompletableFuture<List<List<String>>> sleeping = CompletableFuture.supplyAsync(() -> {
                try {
                    return rows(session, "SELECT email, pg_sleep(60) FROM public.customers LIMIT 1");
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> db.queryAsSuperuser(
                    "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + alice + "' AND state = 'active'")
                    .equals("1"));
            List<String> done = target.withdraw(id, alice + "@example.com");
            assertThat(done).anyMatch(line -> line.startsWith("TERMINATE backend ") && line.contains(alice));
            assertThatThrownBy(() -> sleeping.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("terminating connection due to administrator command");
        }
    }

    @Test
    void aRoleWithoutItsCommentIsAStray() {
        String id = db.newGrantId();
        db.asSuperuserInCluster("CREATE ROLE lapse_g_" + id + " NOLOGIN");
        assertThat(target.present()).containsExactly(new PresentGrant(id, null, null, null));
        assertThat(target.withdraw(id, alice + "@example.com")).containsExactly("DROP ROLE lapse_g_" + id);
        assertThat(target.present()).isEmpty();
    }
}
