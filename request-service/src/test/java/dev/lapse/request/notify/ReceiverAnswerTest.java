package dev.lapse.request.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.request.notify.ReceiverAnswer.Verdict;
import org.junit.jupiter.api.Test;

class ReceiverAnswerTest {

    @Test
    void verdict_whenStatus_followsTheDocumentedTable() {
        assertThat(verdict(200)).isEqualTo(Verdict.DELIVERED);
        assertThat(verdict(204)).isEqualTo(Verdict.DELIVERED);
        assertThat(verdict(299)).isEqualTo(Verdict.DELIVERED);
        assertThat(verdict(400)).isEqualTo(Verdict.GIVE_UP);
        assertThat(verdict(401)).isEqualTo(Verdict.GIVE_UP);
        assertThat(verdict(404)).isEqualTo(Verdict.GIVE_UP);
        assertThat(verdict(410)).isEqualTo(Verdict.GIVE_UP);
        assertThat(verdict(408)).isEqualTo(Verdict.RETRY);
        assertThat(verdict(429)).isEqualTo(Verdict.RETRY);
        assertThat(verdict(500)).isEqualTo(Verdict.RETRY);
        assertThat(verdict(503)).isEqualTo(Verdict.RETRY);
        assertThat(verdict(301)).isEqualTo(Verdict.RETRY);
        assertThat(verdict(100)).isEqualTo(Verdict.RETRY);
    }

    @Test
    void verdict_whenUnreachable_isRetry() {
        assertThat(new ReceiverAnswer.Unreachable("cannot connect").verdict()).isEqualTo(Verdict.RETRY);
    }

    private static Verdict verdict(int status) {
        return new ReceiverAnswer.Status(status).verdict();
    }
}
