package dev.lapse.bench.revoker;

import dev.lapse.bench.kafka.ClientSettings;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.ExpiryReason;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.serde.AvroDeserializer;
import dev.lapse.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code lapse.access.expired} from its end, read_committed, on its own thread, and records for every
 * time-elapsed {@link AccessExpired} due within a window how late it was: as the revoker stamped it ({@code lateByMs},
 * its emission time minus {@code expiresAt}), and as this consumer saw it committed (the moment its poll returned
 * minus {@code expiresAt}).
 */
final class ExpiredWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExpiredWatcher.class);
    private static final long MAX_LAG_MS = TimeUnit.MINUTES.toMillis(30);

    private final KafkaConsumer<String, Object> consumer;
    private final long fromMs;
    private final long toMs;
    private final Thread thread;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Histogram emitted = new Histogram(MAX_LAG_MS, 3);
    private final Histogram seen = new Histogram(MAX_LAG_MS, 3);
    private final AtomicLong count = new AtomicLong();
    private volatile boolean closing;
    private volatile @Nullable RuntimeException failure;

    private ExpiredWatcher(String bootstrapServers, String registryUrl, long fromMs, long toMs) {
        AvroDeserializer values = new AvroDeserializer();
        values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl, SerdeConfig.SPECIFIC_AVRO_READER,
                "true"), false);
        Map<String, Object> settings = ClientSettings.reader(bootstrapServers);
        settings.put("max.poll.records", "5000");
        this.consumer = new KafkaConsumer<>(settings, new StringDeserializer(), values);
        this.fromMs = fromMs;
        this.toMs = toMs;
        this.thread = new Thread(this::watch, "bench-watch-expired");
        thread.setDaemon(true);
    }

    /**
     * Starts watching, and returns once positioned at the topic's end.
     *
     * @param fromMs only grants due from here ...
     * @param toMs ... up to here (inclusive) count
     */
    static ExpiredWatcher start(String bootstrapServers, String registryUrl, long fromMs, long toMs) {
        ExpiredWatcher watcher = new ExpiredWatcher(bootstrapServers, registryUrl, fromMs, toMs);
        watcher.thread.start();
        try {
            if (!watcher.positioned.await(60, TimeUnit.SECONDS)) {
                watcher.close();
                throw new IllegalStateException("the watcher of lapse.access.expired was not positioned within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watcher.close();
            throw new IllegalStateException("interrupted while starting the watcher of lapse.access.expired", e);
        }
        RuntimeException failed = watcher.failure;
        if (failed != null) {
            watcher.close();
            throw failed;
        }
        return watcher;
    }

    private void watch() {
        String topic = Topics.ACCESS_EXPIRED.name();
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            positioned.countDown();
            while (!closing) {
                var records = consumer.poll(Duration.ofMillis(100));
                long nowMs = System.currentTimeMillis();
                for (ConsumerRecord<String, Object> record : records) {
                    if (record.value() instanceof AccessExpired expired
                            && expired.getReason() == ExpiryReason.TIME_ELAPSED) {
                        long dueMs = expired.getExpiresAt().toEpochMilli();
                        if (dueMs >= fromMs && dueMs <= toMs) {
                            synchronized (this) {
                                emitted.recordValue(Math.min(MAX_LAG_MS, Math.max(0, expired.getLateByMs())));
                                seen.recordValue(Math.min(MAX_LAG_MS, Math.max(0, nowMs - dueMs)));
                            }
                            count.incrementAndGet();
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
            log.error("The watcher of {} stopped", topic, e);
        } finally {
            positioned.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** How many expiries of the window were seen so far. */
    long count() {
        return count.get();
    }

    /** Lag as stamped by the revoker ({@code lateByMs}), ms. */
    synchronized Histogram emitted() {
        return emitted.copy();
    }

    /** Lag until seen committed by this consumer, ms. */
    synchronized Histogram seen() {
        return seen.copy();
    }

    @Nullable RuntimeException failure() {
        return failure;
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
