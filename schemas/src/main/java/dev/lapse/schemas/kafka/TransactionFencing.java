package dev.lapse.schemas.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.DefaultTransactionIdSuffixStrategy;

/**
 * Aborts, at start and before any listener runs, every transaction a crashed predecessor of this instance could
 * have left open. The instance's transactional ids are {@code <prefix><n>} for n in a bounded pool (the producer
 * factory hands out only those suffixes, see {@link #suffixStrategy}), and the prefix is stable across restarts
 * ({@code ${spring.application.name}-${lapse.instance-id}-}), so calling {@code initTransactions()} once for each
 * id of the pool fences the old producers and aborts their transactions at once. Without it, read_committed
 * consumers of the partitions those transactions touched would wait for {@code transaction.timeout.ms} (60 s by
 * default) before they see any newer record.
 */
final class TransactionFencing implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(TransactionFencing.class);

    private final DefaultKafkaProducerFactory<?, ?> producers;
    private final int poolSize;

    TransactionFencing(DefaultKafkaProducerFactory<?, ?> producers, int poolSize) {
        this.producers = producers;
        this.poolSize = poolSize;
    }

    /** The suffix strategy that keeps an instance's transactional ids within the pool that is fenced at start. */
    static DefaultTransactionIdSuffixStrategy suffixStrategy(int poolSize) {
        return new DefaultTransactionIdSuffixStrategy(poolSize);
    }

    @Override
    public void afterSingletonsInstantiated() {
        String prefix = producers.getTransactionIdPrefix();
        if (prefix == null) {
            return;
        }
        long startNanos = System.nanoTime();
        // One short-lived producer per id, all at once: each costs a coordinator round trip or two, not CPU.
        ExecutorService fencers = Executors.newFixedThreadPool(Math.min(poolSize, 8));
        try {
            List<Future<?>> fenced = new ArrayList<>();
            for (int suffix = 0; suffix < poolSize; suffix++) {
                String transactionalId = prefix + suffix;
                fenced.add(fencers.submit(() -> fence(transactionalId)));
            }
            for (Future<?> one : fenced) {
                one.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot fence the transactional ids " + prefix + "0.." + (poolSize - 1)
                    + " of an earlier run: " + DeadLetterRouting.reason(e), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fencing transactional ids", e);
        } finally {
            fencers.shutdownNow();
        }
        log.info("Fenced transactional ids {}0..{} of any earlier run in {} ms", prefix, poolSize - 1,
                (System.nanoTime() - startNanos) / 1_000_000);
    }

    private void fence(String transactionalId) {
        Map<String, Object> config = new HashMap<>(producers.getConfigurationProperties());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // Bumps the id's epoch: the old producer is fenced and its open transaction, if any, aborted.
            producer.initTransactions();
        }
    }
}
