package dev.lapse.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

class GrantIdsTest {

    @Test
    void of_isPinned() {
        // Changing the derivation would give redelivered approvals a second grant, and the revoker would announce
        // expiries under ids no grant has: it is part of the contract.
        assertThat(GrantIds.of("req-42")).isEqualTo("a9d3dbf916ac72fc6e24e2dd90588c66");
    }

    @Test
    void of_isDeterministicPerRequest_andDistinctAcrossRequests() {
        assertThat(GrantIds.of("req-1")).isEqualTo(GrantIds.of("req-1")).matches("[0-9a-f]{32}");
        assertThat(GrantIds.of("req-1")).isNotEqualTo(GrantIds.of("req-2"));
    }

    @Test
    void isDerived_onlyForTheDerivedId() {
        assertThat(GrantIds.isDerived("a9d3dbf916ac72fc6e24e2dd90588c66", "req-42")).isTrue();
        assertThat(GrantIds.isDerived("g-req-42", "req-42")).isFalse();
        assertThat(GrantIds.isDerived("a9d3dbf916ac72fc6e24e2dd90588c66", "req-43")).isFalse();
        assertThat(GrantIds.isDerived("A9D3DBF916AC72FC6E24E2DD90588C66", "req-42")).as("upper case").isFalse();
        assertThat(GrantIds.isDerived("a9d3dbf916ac72fc6e24e2dd90588c6", "req-42")).as("too short").isFalse();
        assertThat(GrantIds.isDerived("a9d3dbf916ac72fc6e24e2dd90588c66" + "00", "req-42")).as("too long").isFalse();
        assertThat(GrantIds.isDerived("a9d3dbf916ac72fc6e24e2dd90588c6g", "req-42")).as("not hex").isFalse();
    }

    @Test
    void isDerived_agreesWithOf_forManyRequests() {
        for (int i = 0; i < 1000; i++) {
            String requestId = "request-" + i;
            assertThat(GrantIds.isDerived(GrantIds.of(requestId), requestId)).isTrue();
            assertThat(GrantIds.isDerived(GrantIds.of(requestId), requestId + "x")).isFalse();
        }
    }

    @Test
    void isWellFormed_onlyFor32LowerCaseHexDigits() {
        assertThat(GrantIds.isWellFormed(GrantIds.of("req-1"))).isTrue();
        assertThat(GrantIds.isWellFormed("0123456789abcdef0123456789abcdef")).isTrue();
        for (String not : java.util.List.of("", "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcde",
                "0123456789abcdef0123456789abcdef0", "g123456789abcdef0123456789abcdef", "lapse_g_1; DROP ROLE x")) {
            assertThat(GrantIds.isWellFormed(not)).as(not).isFalse();
        }
    }

    @Test
    void of_whenNull_throws() {
        assertThatNullPointerException().isThrownBy(() -> GrantIds.of(null)).withMessage("requestId");
    }
}
