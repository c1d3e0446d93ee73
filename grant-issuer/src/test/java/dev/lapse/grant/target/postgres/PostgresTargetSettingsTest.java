package dev.lapse.grant.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.grant.target.postgres.PostgresTargetSettings.ColumnMask;
import dev.lapse.grant.target.postgres.PostgresTargetSettings.ProtectedTable;
import dev.lapse.grant.target.postgres.PostgresTargetSettings.RoleMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresTargetSettingsTest {

    private static final PostgresTargetSettings MINIMAL =
            PostgresTargetSettings.of("jdbc:postgresql://127.0.0.1:5432", "lapse_admin", null, List.of("crm"));

    @Test
    void defaultsWorkOutOfTheBox() {
        assertThat(MINIMAL.problems("pg")).isEmpty();
        assertThat(MINIMAL.schemas()).containsExactly("public");
        assertThat(MINIMAL.roleTemplate()).isEqualTo("{local}");
        assertThat(MINIMAL.terminateSessions()).isTrue();
        assertThat(MINIMAL.maxConnections()).isEqualTo(4);
        assertThat(MINIMAL.maskedSchema()).isEqualTo("lapse_masked");
        assertThat(MINIMAL.maskedViewReaders()).containsExactly("PUBLIC");
        assertThat(MINIMAL.urlOf(SqlIdentifier.of("crm"))).isEqualTo("jdbc:postgresql://127.0.0.1:5432/crm");
    }

    @Test
    void aDatabaseNameIsEncodedIntoTheUrl() {
        PostgresTargetSettings settings = PostgresTargetSettings.of("jdbc:postgresql://h:5432/?sslmode=require", "a",
                null, List.of("my db"));
        assertThat(settings.problems("pg")).isEmpty();
        assertThat(settings.urlOf(SqlIdentifier.of("my db"))).isEqualTo("jdbc:postgresql://h:5432/my%20db?sslmode=require");
    }

    @Test
    void problemsNameTheirKeys() {
        PostgresTargetSettings bad = new PostgresTargetSettings("postgres://x/crm", "", null, List.of("crm", "hr"),
                null, "lapse", List.of(new RoleMapping("", "")), null, 1, null,
                List.of(new ProtectedTable("crm.public.customers", List.of(new ColumnMask("ssn", "redact"))),
                        new ProtectedTable("other.public.t", List.of()), new ProtectedTable("nonsense", List.of())),
                null, List.of("PUBLIC", ""));
        assertThat(bad.problems("pg")).containsExactly(
                "lapse.grant.targets.pg.url must start with jdbc:postgresql:// (got 'postgres://x/crm')",
                "lapse.grant.targets.pg.username must name the admin role grants are made by",
                "lapse.grant.targets.pg.role-template must contain {local} or {id} (got 'lapse')",
                "lapse.grant.targets.pg.roles[0].requester must not be empty",
                "lapse.grant.targets.pg.roles[0].role: a PostgreSQL name must not be empty",
                "lapse.grant.targets.pg.max-connections (1) must be at least the number of databases (2): each"
                        + " database has a pool of its own",
                "lapse.grant.targets.pg.protected-tables[0].masks[0].rule: unknown mask rule 'redact' (hide,"
                        + " text:<fixed>, hash, partial-email, partial:<keepFirst>:<keepLast>, clear)",
                "lapse.grant.targets.pg.protected-tables[1].table other.public.t is not in a database this target"
                        + " manages",
                "lapse.grant.targets.pg.protected-tables[2].table: resource 'nonsense' is not database.schema.table"
                        + " (for example crm.public.customers)",
                "lapse.grant.targets.pg.masked-view-readers: a PostgreSQL name must not be empty");
        assertThatThrownBy(() -> bad.validated("pg")).hasMessageStartingWith("PostgreSQL target pg is misconfigured: ");
    }

    @Test
    void aUrlMustNotNameADatabase() {
        assertThat(PostgresTargetSettings.of("jdbc:postgresql://127.0.0.1:5432/crm", "a", null, List.of("crm"))
                .problems("pg")).containsExactly("lapse.grant.targets.pg.url must not name a database (the resource's"
                        + " first part picks it), got 'jdbc:postgresql://127.0.0.1:5432/crm'");
        assertThat(PostgresTargetSettings.of("jdbc:postgresql://127.0.0.1:5432", "a", null, List.of())
                .problems("pg")).containsExactly(
                        "lapse.grant.targets.pg.databases must list at least one database Lapse may grant in");
    }
}
