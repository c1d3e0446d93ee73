package dev.lapse.revoker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lapse.event.AccessExpired;
import dev.lapse.event.ExpiryReason;
import dev.lapse.revoker.RevokerApplication;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.testing.TestStack;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The revoker when a commit fails, on a real broker and registry: whether the failed transaction landed or not,
 * every grant ends exactly once, and the revoker keeps its schedule instead of reading it all back, unless committing
 * the lost transaction again fails too. The failure is made by the revoker's own producer, which commits (or aborts)
 * the transaction that holds the first of this run's expiries and then throws, as Kafka's client did once under load.
 */
class RevokerCommitFailureIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final int GRANTS = 8;
    private static final TestStack stack = TestStack.get();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String prefix = run + "-commit-";
    private ConfigurableApplicationContext revoker;

    @AfterEach
    void stop() {
        if (revoker != null) {
            revoker.close();
        }
    }

    @Test
    void commitThatFailsButLands_keepsTheSchedule_andEveryGrantEndsOnce() {
        CommitFault fault = new CommitFault(true, 1, prefix);

        double restores = grantsEndOnceEachDespite(fault);

        assertThat(fault.failuresLeft).hasValue(0);
        assertThat(failures("landed")).isEqualTo(1);
        assertThat(failures("lost")).isZero();
        assertThat(restores).as("restores after a commit that landed").isZero();
    }

    @Test
    void commitThatFailsAndIsLost_isCommittedAgain_andEveryGrantEndsOnce() {
        CommitFault fault = new CommitFault(false, 1, prefix);

        double restores = grantsEndOnceEachDespite(fault);

        assertThat(fault.failuresLeft).hasValue(0);
        assertThat(failures("lost")).isEqualTo(1);
        assertThat(failures("landed")).isZero();
        assertThat(restores).as("restores after a lost commit committed again").isZero();
    }

    @Test
    void lostCommitWhoseSecondCommitFailsToo_restores_andEveryGrantEndsOnce() {
        CommitFault fault = new CommitFault(false, 2, prefix);

        double restores = grantsEndOnceEachDespite(fault);

        assertThat(fault.failuresLeft).hasValue(0);
        assertThat(failures("lost")).isEqualTo(1);
        assertThat(restores).as("restores after the second commit failed too").isPositive();
    }

    /**
     * Starts a revoker whose producer fails as {@code fault} says, and checks that this run's grants, and one issued
     * after them, each end exactly once (the whole list after a quiet period). Returns how often the revoker read its
     * partitions back meanwhile.
     */
    private double grantsEndOnceEachDespite(CommitFault fault) {
        revoker = revoker(fault);
        double restoresBefore = restores();
        assertEndedOnceEach(grantAndAwaitExpiries());
        assertTheLoopGoesOn();
        return restores() - restoresBefore;
    }

    private List<AccessExpired> grantAndAwaitExpiries() {
        Instant expiresAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        IntStream.range(0, GRANTS).forEach(i ->
                stack.send(Topics.ACCESS_GRANTED, prefix + i, RevokerIT.granted(prefix + i, expiresAt)));
        return stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_EXPIRED.name()), key -> key.startsWith(prefix),
                found -> found.size() >= GRANTS, WAIT, QUIET).stream()
                .map(ConsumerRecord::value).map(AccessExpired.class::cast).toList();
    }

    private void assertEndedOnceEach(List<AccessExpired> expiries) {
        assertThat(expiries).extracting(AccessExpired::getRequestId)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, GRANTS).mapToObj(i -> prefix + i).toList());
        assertThat(expiries).allSatisfy(expired -> {
            assertThat(expired.getReason()).isEqualTo(ExpiryReason.TIME_ELAPSED);
            assertThat(expired.getOccurredAt()).isAfterOrEqualTo(expired.getExpiresAt());
        });
    }

    /** A grant issued after the failure ends too, once: the loop works on with its new producer. */
    private void assertTheLoopGoesOn() {
        String id = run + "-after";
        stack.send(Topics.ACCESS_GRANTED, id, RevokerIT.granted(id, Instant.now().plusSeconds(1)));
        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_EXPIRED.name()), id::equals,
                found -> !found.isEmpty(), WAIT, QUIET)).hasSize(1);
    }

    private ConfigurableApplicationContext revoker(CommitFault fault) {
        BeanPostProcessor faultyProducers = new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof RevokerClients clients) {
                    return new RevokerClients(clients.consumers(), clients.restoreConsumers(),
                            () -> new FaultyProducer(clients.producers().get(), fault));
                }
                return bean;
            }
        };
        ConfigurableApplicationContext app = RevokerApplication.builder()
                .initializers(context -> context.getBeanFactory().addBeanPostProcessor(faultyProducers))
                .run(stack.springArgs("--lapse.instance-id=rv-commit-" + run));
        await().atMost(WAIT).until(() -> meters(app).get("lapse.revoker.restore.completed.epoch.ms").gauge()
                .value() > 0);
        return app;
    }

    private static MeterRegistry meters(ConfigurableApplicationContext app) {
        return app.getBean(MeterRegistry.class);
    }

    private double restores() {
        return meters(revoker).get("lapse.revoker.restore").timer().count();
    }

    private double failures(String outcome) {
        return meters(revoker).get("lapse.revoker.commit.failures").tag("outcome", outcome).counter().count();
    }

    /**
     * Fails the first {@code failures} commits of transactions that hold an expiry of this run: after committing
     * them ({@code lands}) or after aborting them.
     */
    private static final class CommitFault {
        private final boolean lands;
        private final String keyPrefix;
        private final AtomicInteger failuresLeft;

        CommitFault(boolean lands, int failures, String keyPrefix) {
            this.lands = lands;
            this.failuresLeft = new AtomicInteger(failures);
            this.keyPrefix = keyPrefix;
        }

        boolean targets(ProducerRecord<String, Object> record) {
            return record.topic().equals(Topics.ACCESS_EXPIRED.name()) && record.key() != null
                    && record.key().startsWith(keyPrefix);
        }
    }

    /** The revoker's real producer, failing one commit as {@link CommitFault} says. */
    private static final class FaultyProducer implements Producer<String, Object> {
        private final Producer<String, Object> real;
        private final CommitFault fault;
        private boolean targeted;

        FaultyProducer(Producer<String, Object> real, CommitFault fault) {
            this.real = real;
            this.fault = fault;
        }

        @Override
        public void beginTransaction() {
            targeted = false;
            real.beginTransaction();
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<String, Object> record) {
            targeted |= fault.targets(record);
            return real.send(record);
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<String, Object> record, Callback callback) {
            targeted |= fault.targets(record);
            return real.send(record, callback);
        }

        @Override
        public void commitTransaction() {
            if (!targeted || fault.failuresLeft.getAndUpdate(left -> Math.max(0, left - 1)) == 0) {
                real.commitTransaction();
                return;
            }
            if (fault.lands) {
                real.commitTransaction();
                throw new InvalidTxnStateException("injected: the transaction committed, the client was told not");
            }
            real.abortTransaction();
            throw new TimeoutException("injected: the commit timed out and the transaction was aborted");
        }

        @Override
        public void initTransactions() {
            real.initTransactions();
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                ConsumerGroupMetadata groupMetadata) {
            real.sendOffsetsToTransaction(offsets, groupMetadata);
        }

        @Override
        public void abortTransaction() {
            real.abortTransaction();
        }

        @Override
        public void registerMetricForSubscription(KafkaMetric metric) {
            real.registerMetricForSubscription(metric);
        }

        @Override
        public void unregisterMetricFromSubscription(KafkaMetric metric) {
            real.unregisterMetricFromSubscription(metric);
        }

        @Override
        public void flush() {
            real.flush();
        }

        @Override
        public List<PartitionInfo> partitionsFor(String topic) {
            return real.partitionsFor(topic);
        }

        @Override
        public Map<MetricName, ? extends Metric> metrics() {
            return real.metrics();
        }

        @Override
        public Uuid clientInstanceId(Duration timeout) {
            return real.clientInstanceId(timeout);
        }

        @Override
        public void close() {
            real.close();
        }

        @Override
        public void close(Duration timeout) {
            real.close(timeout);
        }
    }
}
