package dev.lapse.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.schemas.serde.RegistryUnavailableException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.messaging.converter.MessageConversionException;

class RetryPolicyTest {

    private static final RegistryUnavailableException REGISTRY_DOWN = new RegistryUnavailableException(
            "schema registry at http://registry is unreachable", new HttpTimeoutException("request timed out"));

    // --- what parks: the record is at fault ---

    @Test
    void parks_whenRejectedRecordAnywhereInTheChain() {
        RejectedRecordException rejected = new RejectedRecordException("invalid request: reason is required",
                List.of("reason is required"));

        assertThat(RetryPolicy.parks(rejected)).isTrue();
        assertThat(RetryPolicy.parks(new ListenerExecutionFailedException("listener failed", rejected))).isTrue();
    }

    @Test
    void parks_whenADeserializerFailedOnBrokenBytes() {
        DeserializationException broken = new DeserializationException("failed to deserialize", new byte[] {0x7b},
                false, new SerializationException("unknown magic byte 0x7b"));

        assertThat(RetryPolicy.parks(broken)).isTrue();
    }

    @Test
    void parks_whenThePayloadIsNotTheListenersType() {
        assertThat(RetryPolicy.parks(new ListenerExecutionFailedException("listener failed",
                new MessageConversionException("cannot convert AccessGranted to AccessApproved")))).isTrue();
    }

    // --- what waits: something else is down, or a bug is being fixed ---

    @Test
    void waits_whenTheRegistryIsDown_evenInsideADeserializerFailure() {
        DeserializationException wrapped = new DeserializationException("failed to deserialize", new byte[] {0},
                false, REGISTRY_DOWN);

        assertThat(RetryPolicy.parks(REGISTRY_DOWN)).isFalse();
        assertThat(RetryPolicy.parks(wrapped)).isFalse();
        assertThat(RetryPolicy.isDependencyDown(wrapped)).isTrue();
    }

    @Test
    void waits_whenACommitFailedBecauseASendCouldNotSerialize() {
        // What KafkaProducer makes of a retriable error inside a transaction: the commit fails, the cause stays.
        KafkaException commit = new KafkaException("Cannot execute transactional method because we are in an error"
                + " state", new TransactionAbortableException("Transaction Request was aborted after exhausting"
                + " retries.", REGISTRY_DOWN));

        assertThat(RetryPolicy.parks(commit)).isFalse();
        assertThat(RetryPolicy.isDependencyDown(commit)).isTrue();
    }

    @Test
    void waits_whenTheBrokerTimesOut() {
        TimeoutException timeout = new TimeoutException("Topic lapse.access.requested not present in metadata after"
                + " 2000 ms.");

        assertThat(RetryPolicy.parks(timeout)).isFalse();
        assertThat(RetryPolicy.isDependencyDown(timeout)).isTrue();
    }

    @Test
    void waits_whenTheListenerHasABug_butDoesNotCallItAnOutage() {
        ListenerExecutionFailedException bug = new ListenerExecutionFailedException("listener failed",
                new NullPointerException("scope"));

        assertThat(RetryPolicy.parks(bug)).isFalse();
        assertThat(RetryPolicy.isDependencyDown(bug)).isFalse();
    }

    @Test
    void parks_stopsOnACauseCycle() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException second = new IllegalStateException("second", first);
        first.initCause(second);

        assertThat(RetryPolicy.parks(first)).isFalse();
        assertThat(RetryPolicy.isDependencyDown(first)).isFalse();
    }

    @Test
    void aDatabaseThatRefusesOrDropsConnectionsIsADependencyDown_aBadStatementIsNot() {
        RuntimeException poolTimeout = new IllegalStateException("target unavailable",
                new java.sql.SQLTransientConnectionException("Connection is not available, request timed out"));
        RuntimeException loginRefused = new IllegalStateException("target unavailable",
                new java.sql.SQLException("role \"admin\" is not permitted to log in", "28000"));
        RuntimeException connectionLost = new IllegalStateException("target unavailable",
                new java.sql.SQLException("An I/O error occurred while sending to the backend.", "08006"));
        RuntimeException unknownColumn = new IllegalStateException("bug",
                new java.sql.SQLException("column \"x\" does not exist", "42703"));

        assertThat(RetryPolicy.isDependencyDown(poolTimeout)).isTrue();
        assertThat(RetryPolicy.isDependencyDown(loginRefused)).isTrue();
        assertThat(RetryPolicy.isDependencyDown(connectionLost)).isTrue();
        assertThat(RetryPolicy.isDependencyDown(unknownColumn)).isFalse();
        assertThat(RetryPolicy.parks(poolTimeout)).isFalse();
        assertThat(RetryPolicy.parks(unknownColumn)).isFalse();
    }
}
