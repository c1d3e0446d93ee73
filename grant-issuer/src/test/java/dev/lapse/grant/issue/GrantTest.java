package dev.lapse.grant.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GrantTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void issue_countsTheDurationFromTheGrant() {
        Grant grant = Grant.issue("req-1", Duration.ofSeconds(30), NOW);

        assertThat(grant.grantedAt()).isEqualTo(NOW);
        assertThat(grant.expiresAt()).isEqualTo(Instant.parse("2026-11-23T10:00:30Z"));
        assertThat(grant.grantId()).isEqualTo(GrantId.of("req-1"));
    }

    @Test
    void issue_whenDurationNotPositive_rejects() {
        assertThatThrownBy(() -> Grant.issue("req-1", Duration.ZERO, NOW))
                .hasMessage("approved duration must be positive, got PT0S");
    }

    @Test
    void grantId_isDeterministicPerRequest_andDistinctAcrossRequests() {
        assertThat(GrantId.of("req-1")).isEqualTo(GrantId.of("req-1"));
        assertThat(GrantId.of("req-1")).isNotEqualTo(GrantId.of("req-2"));
        assertThat(GrantId.of("req-1").value()).matches("[0-9a-f]{32}");
    }

    @Test
    void grantId_isPinned() {
        // Changing the derivation would give redelivered approvals a second grant: it is part of the contract.
        assertThat(GrantId.of("req-42").value()).isEqualTo("a9d3dbf916ac72fc6e24e2dd90588c66");
    }

    @Test
    void grantId_whenMalformed_rejects() {
        assertThatThrownBy(() -> new GrantId("lapse_g_1; DROP ROLE x"))
                .hasMessageStartingWith("a grant id is 32 lower-case hex characters");
        for (String almost : java.util.List.of("A9D3DBF916AC72FC6E24E2DD90588C66", "a9d3dbf916ac72fc6e24e2dd90588c6",
                "a9d3dbf916ac72fc6e24e2dd90588c66a", "g9d3dbf916ac72fc6e24e2dd90588c66", "")) {
            assertThatThrownBy(() -> new GrantId(almost)).as(almost)
                    .hasMessageStartingWith("a grant id is 32 lower-case hex characters");
        }
        assertThat(new GrantId("0123456789abcdef0123456789abcdef").value())
                .isEqualTo("0123456789abcdef0123456789abcdef");
    }
}
