package dev.lapse.grant.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlQuotingTest {

    @Test
    void hostileNamesStayOneQuotedIdentifier() {
        assertThat(SqlIdentifier.of("x\"; DROP TABLE t; --").quoted()).isEqualTo("\"x\"\"; DROP TABLE t; --\"");
        assertThat(SqlIdentifier.of("MixedCase").quoted()).isEqualTo("\"MixedCase\"");
        assertThat(SqlIdentifier.of("kundennr_größe").quoted()).isEqualTo("\"kundennr_größe\"");
        assertThat(SqlIdentifier.of("\"").quoted()).isEqualTo("\"\"\"\"");
    }

    @Test
    void aNameIsAtMost63BytesOfUtf8() {
        assertThat(SqlIdentifier.of("a".repeat(63)).name()).hasSize(63);
        assertThatThrownBy(() -> SqlIdentifier.of("a".repeat(64))).hasMessageContaining("at most 63 bytes");
        // 21 three-byte characters fit, 22 do not
        assertThat(SqlIdentifier.of("€".repeat(21)).name()).hasSize(21);
        assertThatThrownBy(() -> SqlIdentifier.of("€".repeat(22))).hasMessageContaining("has 66");
    }

    @Test
    void emptyAndNulNamesAreRejected() {
        assertThatThrownBy(() -> SqlIdentifier.of("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> SqlIdentifier.of("a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void literalsDoubleTheirQuotes() {
        assertThat(SqlLiteral.quote("it's")).isEqualTo("'it''s'");
        assertThat(SqlLiteral.quote("a'; DROP TABLE t; --")).isEqualTo("'a''; DROP TABLE t; --'");
        assertThat(SqlLiteral.quote("back\\slash")).isEqualTo("'back\\slash'");
        assertThatThrownBy(() -> SqlLiteral.quote("a\0")).hasMessageContaining("NUL");
    }

    @Test
    void tableNamesHaveThreeParts() {
        TableName name = TableName.parse("crm.public.customers");
        assertThat(name.database().name()).isEqualTo("crm");
        assertThat(name.quoted()).isEqualTo("\"public\".\"customers\"");
        assertThat(name).hasToString("crm.public.customers");
        TableName quoted = TableName.parse("crm.\"odd.schema\".\"a\"\"b\"");
        assertThat(quoted.schema().name()).isEqualTo("odd.schema");
        assertThat(quoted.table().name()).isEqualTo("a\"b");
        assertThat(TableName.parse("CRM.Public.Customers").table().name()).isEqualTo("Customers");
        assertThat(TableName.parse("crm.public.x\"; DROP TABLE t; --").quoted())
                .isEqualTo("\"public\".\"x\"\"; DROP TABLE t; --\"");
    }

    @Test
    void malformedTableNamesAreRejected() {
        assertThatThrownBy(() -> TableName.parse("public.customers")).hasMessageContaining("database.schema.table");
        assertThatThrownBy(() -> TableName.parse("a.b.c.d")).hasMessageContaining("database.schema.table");
        assertThatThrownBy(() -> TableName.parse("crm..customers")).hasMessageContaining("empty");
        assertThatThrownBy(() -> TableName.parse("crm.\"public.customers")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> TableName.parse("crm.\"p\"x.customers")).hasMessageContaining("after");
        assertThatThrownBy(() -> TableName.parse("crm.public." + "t".repeat(64))).hasMessageContaining("63");
    }

    @Test
    void grantRolesAreNamedAfterTheGrantId() {
        assertThat(GrantStatements.roleOf("0123456789abcdef0123456789abcdef").name())
                .isEqualTo("lapse_g_0123456789abcdef0123456789abcdef");
        assertThatThrownBy(() -> GrantStatements.roleOf("x\"; DROP ROLE postgres")).hasMessageContaining("grant id");
        assertThatThrownBy(() -> GrantStatements.roleOf("A")).hasMessageContaining("grant id");
        assertThat(TableAction.DELETE.policyOf(GrantStatements.roleOf("a".repeat(48))).name()).hasSize(63);
    }
}
