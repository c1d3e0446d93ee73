package dev.lapse.policy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.event.AccessApproved;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.testing.TestStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A crashed policy-engine left a transaction open on a partition it writes; its successor, started with the same
 * {@code lapse.instance-id}, fences that transaction at start, so read_committed consumers see newer records at once
 * instead of after {@code transaction.timeout.ms}.
 */
class CrashedPredecessorIT {

    private static final String INSTANCE = "crash-it";
    /** The crashed transaction's timeout; the successor must be done far sooner for the test to mean anything. */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private final TestStack stack = TestStack.get();

    @Test
    void restartWithTheSameInstanceId_fencesTheOpenTransaction_andDecidesNewRecordsAtOnce() throws Exception {
        String key = "pe-crashed";
        // Given: the crashed instance's producer (an id from its pool, not the first one) began a transaction on
        // lapse.access.requested and died without committing or aborting it.
        KafkaProducer<String, byte[]> crashed = new KafkaProducer<>(Map.of(
                "bootstrap.servers", stack.bootstrapServers(),
                "transactional.id", PolicyEngineApplication.NAME + "-" + INSTANCE + "-5",
                "transaction.timeout.ms", (int) TRANSACTION_TIMEOUT.toMillis()),
                new StringSerializer(), new ByteArraySerializer());
        crashed.initTransactions();
        crashed.beginTransaction();
        crashed.send(new ProducerRecord<>(Topics.ACCESS_REQUESTED.name(), key,
                stack.serialize(Topics.ACCESS_REQUESTED, Events.accessRequested(key)))).get();
        // ... and a newer request was committed behind it on the same partition (same key): invisible to
        // read_committed consumers until the open transaction ends.
        stack.send(Topics.ACCESS_REQUESTED, key, Events.accessRequested(key));

        long startNanos = System.nanoTime();
        ConfigurableApplicationContext app = PolicyEngineApplication.builder()
                .run(stack.springArgs("--lapse.instance-id=" + INSTANCE));
        try {
            List<ConsumerRecord<String, Object>> decided = stack.awaitRecordsThenQuiet(
                    List.of(Topics.ACCESS_APPROVED.name(), Topics.ACCESS_DENIED.name()), key,
                    found -> !found.isEmpty(), DEADLINE, Duration.ofSeconds(3));
            long tookMs = (System.nanoTime() - startNanos) / 1_000_000;

            // Then: exactly one decision, for the committed record (the aborted one is never read).
            assertThat(decided).singleElement().satisfies(record ->
                    assertThat(record.value()).isInstanceOf(AccessApproved.class));
            System.out.printf("Successor started and decided the record behind the open transaction in %d ms "
                    + "(transaction.timeout.ms %d)%n", tookMs, TRANSACTION_TIMEOUT.toMillis());
        } finally {
            app.close();
            crashed.close(Duration.ZERO);
        }
    }
}
