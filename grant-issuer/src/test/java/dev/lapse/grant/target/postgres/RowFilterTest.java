package dev.lapse.grant.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RowFilterTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "region = 'EU'|(\"region\" = 'EU')",
        "region='EU' and id > 3|(\"region\" = 'EU') AND (\"id\" > 3)",
        "Region != 'EU'|(\"region\" <> 'EU')",
        "\"Region\" <> 'EU'|(\"Region\" <> 'EU')",
        "id <= -2.5 AND id >= 1 AND id < 9|(\"id\" <= -2.5) AND (\"id\" >= 1) AND (\"id\" < 9)",
        "region IN ('EU', 'UK')|(\"region\" IN ('EU', 'UK'))",
        "region not in ('US')|(\"region\" NOT IN ('US'))",
        "email IS NULL AND ssn is not null|(\"email\" IS NULL) AND (\"ssn\" IS NOT NULL)",
        "active = TRUE AND deleted = false|(\"active\" = TRUE) AND (\"deleted\" = FALSE)",
        "name = 'O''Brien'|(\"name\" = 'O''Brien')",
        "name = 'a\\b'|(\"name\" = 'a\\b')",
        "\"we\"\"ird\" = 1|(\"we\"\"ird\" = 1)",
        "col$1 = 'x'|(\"col$1\" = 'x')",
        "andy = 'x' AND notes = 'y' AND isin = 1|(\"andy\" = 'x') AND (\"notes\" = 'y') AND (\"isin\" = 1)",
    })
    void validFiltersRenderQuoted(String filter, String sql) {
        assertThat(RowFilter.parse(filter).render()).isEqualTo(sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "region = 'EU' OR 1=1",
        "region = 'a'; DROP TABLE customers; --",
        "region = 'EU' -- comment",
        "region = 'EU' /* c */",
        "1 = 1",
        "region = lower('EU')",
        "region = (SELECT 'EU')",
        "region = NULL",
        "region IN ('EU', NULL)",
        "region = 'EU",
        "region = 'EU' AND",
        "region",
        "region LIKE 'E%'",
        "region == 'EU'",
        "region = 1.2.3",
        "region = 'EU' AND (id = 1)",
        "\"region = 'EU'",
        "",
        "region NOT = 'EU'",
        "region IN ()",
        "region = \"EU\"",
        "region = 'EU'); DROP TABLE t; --",
    })
    void anythingOutsideTheGrammarIsRejected(String filter) {
        assertThatThrownBy(() -> RowFilter.parse(filter)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInjectionInsideALiteralStaysALiteral() {
        assertThat(RowFilter.parse("region = 'EU'' OR ''1''=''1'").render())
                .isEqualTo("(\"region\" = 'EU'' OR ''1''=''1')");
    }

    @Test
    void reasonsSayWhere() {
        assertThatThrownBy(() -> RowFilter.parse("region = 'EU' OR 1=1"))
                .hasMessage("expected AND or the end of the filter at position 15 ('OR 1=1')");
        assertThatThrownBy(() -> RowFilter.parse("region = NULL"))
                .hasMessageContaining("NULL is only allowed as IS NULL");
    }

    @Test
    void columnsAreTheOnesRead() {
        assertThat(RowFilter.parse("region = 'EU' AND id > 1 AND region <> 'x'").columns())
                .extracting(SqlIdentifier::name).containsExactly("region", "id");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "region = 'EU'|REGION='EU'",
        "region = 'EU'|\"region\" = 'EU'",
        "region = 'EU'|region IN ('EU')",
        "region <> 'US'|region NOT IN ('US')",
        "region != 'US'|region <> 'US'",
        "region IN ('EU', 'UK')|region in ('UK', 'EU', 'UK')",
        "region = 'EU' AND id > 3|id > 3 and region = 'EU'",
        "region = 'EU'|region = 'EU' AND region = 'EU'",
    })
    void filtersWrittenDifferentlySelectTheSameRows(String a, String b) {
        assertThat(RowFilter.parse(a).normalised()).isEqualTo(RowFilter.parse(b).normalised());
        assertThat(RowFilter.sameRows(RowFilter.parse(a), RowFilter.parse(b))).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "region = 'EU'|region = 'US'",
        "region = 'EU'|region = 'eu'",
        "region = 'EU'|\"Region\" = 'EU'",
        "region = 'EU'|region = 'EU' AND id > 3",
        "region IN ('EU', 'UK')|region IN ('EU')",
        "region IN ('EU', 'UK')|region NOT IN ('EU', 'UK')",
        "id = 1|id = '1'",
        "id = 1|id = 1.0",
        "email IS NULL|email IS NOT NULL",
    })
    void differentFiltersDiffer(String a, String b) {
        assertThat(RowFilter.sameRows(RowFilter.parse(a), RowFilter.parse(b))).isFalse();
    }

    @Test
    void everyRowIsAFilterToo() {
        assertThat(RowFilter.sameRows(null, null)).isTrue();
        assertThat(RowFilter.sameRows(null, RowFilter.parse("region = 'EU'"))).isFalse();
        assertThat(RowFilter.sameRows(RowFilter.parse("region = 'EU'"), null)).isFalse();
    }

    @Test
    void theNormalisedFormIsSqlOfTheSameRows() {
        assertThat(RowFilter.parse("region in ('UK','EU') AND id >= 2 AND name not in ('x')").normalised())
                .isEqualTo("(\"id\" >= 2) AND (\"name\" <> 'x') AND (\"region\" IN ('EU', 'UK'))");
    }
}
