package dev.lapse.grant.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MaskRuleTest {

    @Test
    void rulesParseFromTheirSpelling() {
        assertThat(MaskRule.parse("hide")).isEqualTo(new MaskRule.Hide());
        assertThat(MaskRule.parse("hash")).isEqualTo(new MaskRule.Hash());
        assertThat(MaskRule.parse("clear")).isEqualTo(new MaskRule.Clear());
        assertThat(MaskRule.parse("partial-email")).isEqualTo(new MaskRule.PartialEmail());
        assertThat(MaskRule.parse("text:***-**-****")).isEqualTo(new MaskRule.FixedText("***-**-****"));
        assertThat(MaskRule.parse("text:")).isEqualTo(new MaskRule.FixedText(""));
        assertThat(MaskRule.parse("partial:0:4")).isEqualTo(new MaskRule.Partial(0, 4));
        for (String spelling : new String[] {"hide", "hash", "partial-email", "text:x:y", "partial:2:3"}) {
            assertThat(MaskRule.parse(spelling).spelling()).isEqualTo(spelling);
        }
    }

    @Test
    void unknownRulesAreNamed() {
        assertThatThrownBy(() -> MaskRule.parse("redact")).hasMessageContaining("unknown mask rule 'redact'");
        assertThatThrownBy(() -> MaskRule.parse("partial:1")).hasMessageContaining("partial:<keepFirst>:<keepLast>");
        assertThatThrownBy(() -> MaskRule.parse("partial:-1:2")).hasMessageContaining("partial:<keepFirst>");
    }

    @Test
    void renderedMasksQuoteTheirText() {
        assertThat(MaskRule.parse("text:it's'; DROP TABLE t; --").render("\"ssn\"", "k"))
                .isEqualTo("'it''s''; DROP TABLE t; --'");
        assertThat(MaskRule.parse("hide").render("\"ssn\"", "k")).isEqualTo("NULL");
        assertThat(MaskRule.parse("clear").render("\"id\"", "k")).isEqualTo("\"id\"");
        assertThat(MaskRule.parse("hash").render("\"ssn\"", "(key)"))
                .isEqualTo("left(encode(pg_catalog.sha256(convert_to((key) || \"ssn\"::text, 'UTF8')), 'hex'), 16)");
        assertThat(MaskRule.parse("partial:0:4").render("\"card\"", "k")).contains("right(\"card\"::text, 4)");
    }
}
