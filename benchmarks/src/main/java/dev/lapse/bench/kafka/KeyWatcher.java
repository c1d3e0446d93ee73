package dev.lapse.bench.kafka;

import dev.lapse.bench.drive.Completions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one topic from its end, read_committed, on its own thread, and reports the key of every record it sees to
 * {@link Completions} as done at the moment the poll returned it. The value is not decoded: the key is the item's id
 * (the request id on {@code lapse.access.granted}), and decoding would only add the watcher's own CPU to the figures.
 */
public final class KeyWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeyWatcher.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile @Nullable RuntimeException failure;

    private KeyWatcher(String bootstrapServers, String topic, Completions completions) {
        this.consumer = new KafkaConsumer<>(ClientSettings.reader(bootstrapServers), new StringDeserializer(),
                new ByteArrayDeserializer());
        this.thread = new Thread(() -> watch(topic, completions), "bench-watch-" + topic);
        thread.setDaemon(true);
    }

    /** Starts watching and returns once the watcher is positioned at the topic's end, so no later record is missed. */
    public static KeyWatcher start(String bootstrapServers, String topic, Completions completions) {
        KeyWatcher watcher = new KeyWatcher(bootstrapServers, topic, completions);
        watcher.thread.start();
        try {
            if (!watcher.positioned.await(60, TimeUnit.SECONDS)) {
                watcher.close();
                throw new IllegalStateException("the watcher of " + topic + " was not positioned within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watcher.close();
            throw new IllegalStateException("interrupted while starting the watcher of " + topic, e);
        }
        RuntimeException failed = watcher.failure;
        if (failed != null) {
            watcher.close();
            throw failed;
        }
        return watcher;
    }

    private void watch(String topic, Completions completions) {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            positioned.countDown();
            while (!closing) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    if (record.key() != null) {
                        completions.completed(record.key(), now);
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

    /** Why the watcher stopped, if it stopped before it was closed. */
    public @Nullable RuntimeException failure() {
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
