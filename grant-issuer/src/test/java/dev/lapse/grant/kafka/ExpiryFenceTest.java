package dev.lapse.grant.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.Partitions;
import dev.lapse.schemas.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ExpiryFenceTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final ExpiryFence fence = new ExpiryFence(clock);

    @Test
    void aGrantWhoseWithdrawalRegisteredIsNeverRestored() {
        fence.withdrawing("g1");

        assertThat(fence.restoreUnlessWithdrawn("g1", () -> "restored")).isNull();
        assertThat(fence.restoreUnlessWithdrawn("g2", () -> "restored")).isEqualTo("restored");
    }

    @Test
    void onlyTheGrantsOfOwnedExpiryPartitionsAreReconciledHere() {
        String requestId = "request-1";
        TopicPartition itsExpiries = new TopicPartition(Topics.ACCESS_EXPIRED.name(), Partitions.of(requestId));
        TopicPartition itsApprovals = new TopicPartition(Topics.ACCESS_APPROVED.name(), Partitions.of(requestId));

        fence.assigned(List.of(itsApprovals));
        assertThat(fence.mayReconcile(requestId)).as("owning its approvals is not enough").isFalse();
        fence.assigned(List.of(itsExpiries));
        assertThat(fence.mayReconcile(requestId)).isTrue();
        fence.revoked(List.of(itsExpiries));
        assertThat(fence.mayReconcile(requestId)).isFalse();
        assertThat(fence.mayReconcile(null)).as("an object naming no request belongs to nobody").isTrue();
    }

    @Test
    void withdrawalsAreForgottenAfterTenMinutes_oldestFirst() {
        fence.withdrawing("g1");
        clock.advance(Duration.ofMinutes(6));
        fence.withdrawing("g2");
        clock.advance(Duration.ofMinutes(5));
        fence.withdrawing("g3");

        assertThat(fence.remembered()).isEqualTo(2);
        assertThat(fence.restoreUnlessWithdrawn("g1", () -> "restored")).isEqualTo("restored");
        assertThat(fence.restoreUnlessWithdrawn("g2", () -> "restored")).isNull();
    }
}
