package dev.lapse.schemas.testing;

import dev.lapse.embedded.KafkaBroker;
import dev.lapse.embedded.SchemaRegistryProcess;
import dev.lapse.schemas.Topic;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.serde.AvroDeserializer;
import dev.lapse.schemas.serde.AvroSerializer;
import dev.lapse.schemas.serde.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real parts for integration tests: one KRaft broker and one Apicurio registry per test JVM, started on
 * first use and stopped when the JVM exits, plus a producer and a reader that speak Lapse's wire format.
 */
public final class TestStack {

    private static TestStack instance;

    private final KafkaBroker broker;
    private final SchemaRegistryProcess registry;
    private final KafkaProducer<String, Object> producer;
    private final KafkaProducer<String, byte[]> rawProducer;
    private final AvroSerializer serializer;

    private TestStack() {
        registry = SchemaRegistryProcess.startTemporary();
        broker = KafkaBroker.startTemporary();
        serializer = new AvroSerializer();
        serializer.configure(serdeConfig(), false);
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "linger.ms", 0),
                new StringSerializer(), serializer);
        rawProducer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        createTopics();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "lapse-test-stack-stop"));
    }

    /** The JVM's shared stack, started on first call. */
    public static synchronized TestStack get() {
        if (instance == null) {
            instance = new TestStack();
        }
        return instance;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.confluentApiUrl();
    }

    /**
     * Command-line arguments that point a Lapse service at this stack; arguments, because they outrank the
     * service's own configuration files (builder default properties do not).
     */
    public String[] springArgs(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + bootstrapServers(),
                "--spring.kafka.properties.schema.registry.url=" + registryUrl(),
                "--server.port=0"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** Freezes the registry (see {@link SchemaRegistryProcess#pause()}); pair with {@link #resumeRegistry()}. */
    public void pauseRegistry() {
        registry.pause();
    }

    public void resumeRegistry() {
        registry.resume();
    }

    /**
     * An event in Lapse's wire format, as a Confluent producer would write it to {@code topic}; serialize before
     * pausing the registry to write valid records during an outage with {@link #sendRaw}.
     */
    public byte[] serialize(Topic<String, ?> topic, Object value) {
        return serializer.serialize(topic.name(), value);
    }

    public Map<String, Object> serdeConfig() {
        return Map.of("schema.registry.url", registryUrl(), "specific.avro.reader", "true");
    }

    /**
     * Publishes an Avro event as any Confluent client would, and waits for the broker's acknowledgement. A registry
     * call that times out on a loaded machine is tried again, as Lapse's own services do.
     */
    public void send(Topic<String, ?> topic, String key, Object value) {
        send(new ProducerRecord<>(topic.name(), key, value));
    }

    private void send(ProducerRecord<String, Object> record) {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.send(record).get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RegistryUnavailableException) || attempt == 3) {
                    throw new IllegalStateException("cannot publish to " + record.topic(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("cannot publish to " + record.topic(), e);
            }
        }
    }

    /** Publishes raw bytes, for poison records. */
    public void sendRaw(String topic, String key, byte[] value) {
        sendRaw(topic, key, value, Map.of());
    }

    /** Publishes raw bytes with headers (UTF-8 values), for example a record as a dead-letter topic holds it. */
    public void sendRaw(String topic, String key, byte[] value, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
        try {
            rawProducer.send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    /**
     * Reads the committed records of the given topics from the beginning until {@code done} holds for those
     * keyed by {@code key}, or fails after the deadline. Records are returned per partition in offset order.
     */
    public List<ConsumerRecord<String, Object>> awaitRecords(List<String> topics, String key,
            Predicate<List<ConsumerRecord<String, Object>>> done, Duration timeout) {
        return awaitRecords(topics, key::equals, done, timeout);
    }

    /** Like {@link #awaitRecords(List, String, Predicate, Duration)} for every key that matches {@code keys}. */
    public List<ConsumerRecord<String, Object>> awaitRecords(List<String> topics, Predicate<String> keys,
            Predicate<List<ConsumerRecord<String, Object>>> done, Duration timeout) {
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(serdeConfig(), false);
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(readerConfig(),
                new StringDeserializer(), deserializer)) {
            return poll(consumer, topics, keys, done, timeout);
        }
    }

    /** Publishes an Avro event to a partition chosen by the caller, as a client with another partitioner might. */
    public void send(Topic<String, ?> topic, int partition, String key, Object value) {
        send(new ProducerRecord<>(topic.name(), partition, key, value));
    }

    /** Like {@link #awaitRecords} for dead-letter topics, whose values are kept as the raw bytes that arrived. */
    public List<ConsumerRecord<String, byte[]>> awaitRawRecords(String topic, String key,
            Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readerConfig(),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            return poll(consumer, List.of(topic), key::equals, done, timeout);
        }
    }

    /**
     * Like {@link #awaitRecords}, then reads on until no record keyed {@code key} has arrived for {@code quiet}, and
     * returns every record seen: a late duplicate is in the list, not missed.
     */
    public List<ConsumerRecord<String, Object>> awaitRecordsThenQuiet(List<String> topics, String key,
            Predicate<List<ConsumerRecord<String, Object>>> done, Duration timeout, Duration quiet) {
        return awaitRecordsThenQuiet(topics, key::equals, done, timeout, quiet);
    }

    /** {@link #awaitRecordsThenQuiet(List, String, Predicate, Duration, Duration)} for every key that matches. */
    public List<ConsumerRecord<String, Object>> awaitRecordsThenQuiet(List<String> topics, Predicate<String> keys,
            Predicate<List<ConsumerRecord<String, Object>>> done, Duration timeout, Duration quiet) {
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(serdeConfig(), false);
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(readerConfig(),
                new StringDeserializer(), deserializer)) {
            List<ConsumerRecord<String, Object>> found = new ArrayList<>(poll(consumer, topics, keys, done, timeout));
            readUntilQuiet(consumer, keys, found, quiet);
            return found;
        }
    }

    /** {@link #awaitRecordsThenQuiet} for raw values, such as dead-letter topics; {@code done} may accept none. */
    public List<ConsumerRecord<String, byte[]>> awaitRawRecordsThenQuiet(String topic, String key,
            Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout, Duration quiet) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readerConfig(),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>(poll(consumer, List.of(topic), key::equals,
                    done, timeout));
            readUntilQuiet(consumer, key::equals, found, quiet);
            return found;
        }
    }

    private static <V> void readUntilQuiet(KafkaConsumer<String, V> consumer, Predicate<String> keys,
            List<ConsumerRecord<String, V>> found, Duration quiet) {
        long quietUntil = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < quietUntil) {
            for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(100))) {
                if (record.key() != null && keys.test(record.key())) {
                    found.add(record);
                    quietUntil = System.nanoTime() + quiet.toNanos();
                }
            }
        }
    }

    private Map<String, Object> readerConfig() {
        return Map.of("bootstrap.servers", bootstrapServers(), "isolation.level", "read_committed",
                "enable.auto.commit", "false");
    }

    private static <V> List<ConsumerRecord<String, V>> poll(KafkaConsumer<String, V> consumer, List<String> topics,
            Predicate<String> keys, Predicate<List<ConsumerRecord<String, V>>> done, Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        List<ConsumerRecord<String, V>> matching = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(100))) {
                if (record.key() != null && keys.test(record.key())) {
                    matching.add(record);
                }
            }
            if (done.test(matching)) {
                return matching;
            }
        }
        throw new AssertionError("within " + timeout.toSeconds() + " s, the records with matching keys on " + topics
                + " never satisfied the expectation; seen: " + matching.stream()
                .map(record -> record.topic() + "-" + record.partition() + "@" + record.offset() + " "
                        + (record.value() == null ? "null" : record.value().getClass().getSimpleName()))
                .toList());
    }

    private void createTopics() {
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<String, ?> topic : Topics.LIFECYCLE) {
            topics.add(new NewTopic(topic.name(), topic.partitions(), (short) 1));
            topics.add(new NewTopic(topic.deadLetterName(), topic.partitions(), (short) 1));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get();
            admin.createTopics(topics.stream().filter(topic -> !existing.contains(topic.name())).toList())
                    .all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the lifecycle topics", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void close() {
        producer.close(Duration.ofSeconds(2));
        rawProducer.close(Duration.ofSeconds(2));
        broker.close();
        registry.close();
    }
}
