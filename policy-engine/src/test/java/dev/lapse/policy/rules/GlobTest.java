package dev.lapse.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void star_matchesAnyRunIncludingDots() {
        Glob glob = new Glob("crm.public.*");

        assertThat(glob.matches("crm.public.customers")).isTrue();
        assertThat(glob.matches("crm.public.")).isTrue();
        assertThat(glob.matches("crm.private.customers")).isFalse();
        assertThat(new Glob("*").matches("crm.public.customers")).isTrue();
        assertThat(new Glob("crm.*.orders").matches("crm.sales.eu.orders")).isTrue();
    }

    @Test
    void questionMark_matchesExactlyOneCharacter() {
        assertThat(new Glob("pg?").matches("pg1")).isTrue();
        assertThat(new Glob("pg?").matches("pg")).isFalse();
        assertThat(new Glob("pg?").matches("pg12")).isFalse();
    }

    @Test
    void literal_matchesOnlyItselfCaseSensitively() {
        assertThat(new Glob("postgres").matches("postgres")).isTrue();
        assertThat(new Glob("postgres").matches("Postgres")).isFalse();
        assertThat(new Glob("postgres").matches("postgres2")).isFalse();
    }

    @Test
    void badCharacters_areRefused() {
        assertThatThrownBy(() -> new Glob("crm.public.[abc")).hasMessageContaining("bad glob 'crm.public.[abc'");
        assertThatThrownBy(() -> new Glob("crm public")).hasMessageContaining("bad glob");
        assertThatThrownBy(() -> new Glob("")).hasMessageContaining("empty");
    }

    @Test
    void literalPrefix_isEverythingBeforeTheFirstWildcard() {
        assertThat(new Glob("crm.public.*").literalPrefix()).isEqualTo("crm.public.");
        assertThat(new Glob("crm.?ublic.*").literalPrefix()).isEqualTo("crm.");
        assertThat(new Glob("*.customers").literalPrefix()).isEmpty();
        assertThat(new Glob("crm.public.customers").literalPrefix()).isEqualTo("crm.public.customers");
    }
}
