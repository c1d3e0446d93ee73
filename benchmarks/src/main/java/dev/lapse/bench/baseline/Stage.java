package dev.lapse.bench.baseline;

import dev.lapse.bench.kafka.ClientSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hop of the baseline, on its own thread: polls its topics and, in one transaction per poll batch, writes every
 * record transformed to each of its output topics (the next topic, and in
 * {@link BaselinePipeline.Shape#LAPSE Lapse's shape} a state topic too) under the same key and commits the batch's
 * offsets with {@code sendOffsetsToTransaction}, as a Lapse service's transactional listener does. One consumer per
 * stage, as each Lapse listener has one consumer thread. A stage without output topics is a reader: it does nothing
 * with the records and commits its offsets at most once a second, as Lapse's audit sink and read model do (Spring
 * Kafka's TIME acknowledgement), so it costs what reading costs and no more.
 */
final class Stage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Stage.class);
    private static final long READER_COMMIT_INTERVAL_NANOS = 1_000_000_000L;

    private final List<String> from;
    private final List<String> to;
    private final int hop;
    private final KafkaConsumer<String, byte[]> consumer;
    private final @Nullable KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private volatile boolean closing;
    private long lastCommitNanos = System.nanoTime();
    private volatile @Nullable RuntimeException failure;

    Stage(String bootstrapServers, String from, String to, int hop, String runId) {
        this(bootstrapServers, List.of(from), List.of(to), hop, "bench-baseline-" + runId + "-hop" + hop);
    }

    /**
     * A stage reading {@code from} and writing each record to every topic of {@code to}, a reader when that is empty;
     * its consumer group and transactional id are named.
     */
    Stage(String bootstrapServers, List<String> from, List<String> to, int hop, String name) {
        this(from, to, hop, name, ClientSettings.groupConsumer(bootstrapServers, name),
                ClientSettings.transactionalProducer(bootstrapServers, name));
    }

    /** A reader of {@code from} that fetches as Lapse's audit sink does. */
    static Stage auditReader(String bootstrapServers, List<String> from, String name) {
        return new Stage(from, List.of(), 0, name, ClientSettings.auditConsumer(bootstrapServers, name), Map.of());
    }

    private Stage(List<String> from, List<String> to, int hop, String name, Map<String, Object> consumerSettings,
            Map<String, Object> producerSettings) {
        this.from = List.copyOf(from);
        this.to = List.copyOf(to);
        this.hop = hop;
        this.consumer = new KafkaConsumer<>(consumerSettings, new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = to.isEmpty() ? null : new KafkaProducer<>(producerSettings, new StringSerializer(),
                new ByteArraySerializer());
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        try {
            if (producer != null) {
                producer.initTransactions();
            }
            consumer.subscribe(from);
            while (!closing) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                if (producer == null) {
                    if (System.nanoTime() - lastCommitNanos >= READER_COMMIT_INTERVAL_NANOS) {
                        consumer.commitSync();
                        lastCommitNanos = System.nanoTime();
                    }
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, byte[]> record : records) {
                    byte[] value = transform(record.value());
                    for (String topic : to) {
                        producer.send(new ProducerRecord<>(topic, record.key(), value));
                    }
                    offsets.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
        } catch (WakeupException e) {
            if (!closing) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
            log.error("Baseline hop {} ({} -> {}) stopped", hop, from, to, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        }
    }

    // A transform that touches the value, as every hop does something: the record is copied, one byte marks the hop.
    private byte[] transform(byte[] value) {
        byte[] out = value.clone();
        if (out.length > 0) {
            out[out.length - 1] = (byte) hop;
        }
        return out;
    }

    @Nullable RuntimeException failure() {
        return failure;
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
