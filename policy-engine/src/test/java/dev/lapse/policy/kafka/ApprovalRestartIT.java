package dev.lapse.policy.kafka;

import static dev.lapse.policy.kafka.Approvals.DECISIONS;
import static dev.lapse.policy.kafka.Approvals.QUIET;
import static dev.lapse.policy.kafka.Approvals.WAIT;
import static dev.lapse.policy.kafka.Approvals.awaitState;
import static dev.lapse.policy.kafka.Approvals.secretColumns;
import static dev.lapse.policy.kafka.Approvals.vote;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Vote;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.testing.TestStack;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** policy-engine restarts between the two votes a request needs: the first vote is not lost, nor counted twice. */
class ApprovalRestartIT {

    private static final String INSTANCE = "approval-restart-it";
    private final TestStack stack = TestStack.get();

    @Test
    void restartBetweenTheTwoVotes_losesNothing_andDecidesOnce() {
        String id = "ap-restart";
        ConfigurableApplicationContext first = PolicyEngineApplication.builder()
                .run(stack.springArgs("--lapse.instance-id=" + INSTANCE));
        try {
            AccessRequested extension = secretColumns(id);
            extension.setExtendsRequestId("ap-restart-earlier");
            stack.send(Topics.ACCESS_REQUESTED, id, extension);
            awaitState(stack, id, 0); // a vote follows ApprovalPending, never its request's consumption
            stack.send(Topics.APPROVAL_VOTES, id, vote(id, "r-carol", "carol", List.of("support"), Vote.APPROVE,
                    null));
            awaitState(stack, id, 1);
        } finally {
            first.close();
        }

        ConfigurableApplicationContext second = PolicyEngineApplication.builder()
                .run(stack.springArgs("--lapse.instance-id=" + INSTANCE));
        try {
            // carol's vote again (a redelivery across the restart) and then the deciding one
            stack.send(Topics.APPROVAL_VOTES, id, vote(id, "r-carol", "carol", List.of("support"), Vote.APPROVE,
                    null));
            stack.send(Topics.APPROVAL_VOTES, id, vote(id, "r-dave", "dave", List.of("data-owners"), Vote.APPROVE,
                    null));

            List<ConsumerRecord<String, Object>> decisions = stack.awaitRecordsThenQuiet(DECISIONS, id,
                    found -> !found.isEmpty(), WAIT, QUIET);
            assertThat(decisions).singleElement().satisfies(record -> {
                AccessApproved approved = (AccessApproved) record.value();
                assertThat(approved.getApprovers()).containsExactly("carol", "dave");
                assertThat(approved.getExtendsRequestId()).isEqualTo("ap-restart-earlier");
            });
            assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.APPROVAL_PENDING.name()), id,
                    found -> !found.isEmpty(), WAIT, QUIET)).hasSize(1);
        } finally {
            second.close();
        }
    }
}
