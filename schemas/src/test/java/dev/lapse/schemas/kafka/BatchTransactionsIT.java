package dev.lapse.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lapse.schemas.testing.TestStack;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchConsumerAwareMessageListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;

/**
 * A poll batch in one transaction, on a real broker: a poison record in the batch is parked alone with its reason,
 * a record that fails for a while makes only its own partition wait, and after a quiet period every good record led
 * to exactly one output, in its partition's order.
 */
class BatchTransactionsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final int PARTITIONS = 3;

    private final TestStack stack = TestStack.get();
    private final String in = "batch-it-" + UUID.randomUUID() + ".in";
    private final String out = in.replace(".in", ".out");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PausingBackOff pausing = new PausingBackOff();
    private DefaultKafkaProducerFactory<Object, Object> producers;
    private KafkaTemplate<Object, Object> template;
    private KafkaMessageListenerContainer<String, byte[]> container;

    @BeforeEach
    void topics() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            // One output partition: its order is the order in which transactions committed.
            admin.createTopics(List.of(new NewTopic(in, PARTITIONS, (short) 1), new NewTopic(out, 1, (short) 1),
                    new NewTopic(in + ".dlt", PARTITIONS, (short) 1))).all().get();
        }
    }

    @AfterEach
    void stop() {
        if (container != null) {
            container.stop();
        }
        if (producers != null) {
            producers.destroy();
        }
        pausing.close();
    }

    @Test
    void aPoisonRecordIsParkedAlone_aFailingRecordHoldsOnlyItsPartition_andEveryGoodRecordLeadsToOneOutput()
            throws Exception {
        // The whole input is written before the listener starts, so its first poll is one batch holding all of it.
        List<ProducerRecord<String, byte[]>> input = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            input.add(record(i % PARTITIONS, "k" + i, "ok"));
        }
        input.add(10, record(1, "poison", "poison"));
        input.add(20, record(2, "flaky", "ok"));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            for (ProducerRecord<String, byte[]> record : input) {
                producer.send(record).get();
            }
        }

        AtomicInteger flakyAttempts = new AtomicInteger();
        start(record -> {
            if (new String(record.value(), StandardCharsets.UTF_8).equals("poison")) {
                throw new RejectedRecordException("poison: cannot be read", List.of());
            }
            if (record.key().equals("flaky") && flakyAttempts.incrementAndGet() <= 2) {
                throw new IllegalStateException("the target is down");
            }
            template().send(out, record.key(), (record.partition() + "@" + record.offset())
                    .getBytes(StandardCharsets.UTF_8));
        });

        List<String> goodKeys = input.stream().map(ProducerRecord::key).filter(key -> !key.equals("poison")).toList();
        List<ConsumerRecord<String, byte[]>> outputs = readThenQuiet(out, found -> found.size() >= goodKeys.size());
        assertThat(outputs).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(goodKeys);

        // Partitions 0 and 1 committed first, in one transaction, while partition 2 waited for "flaky"; then all
        // of partition 2, the records before "flaky" included, each once and in its order.
        List<String> sources = outputs.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        List<String> partition2 = sources.stream().filter(source -> source.startsWith("2@")).toList();
        assertThat(sources.subList(sources.size() - partition2.size(), sources.size())).isEqualTo(partition2);
        assertThat(partition2).isSortedAccordingTo((a, b) -> Long.compare(offset(a), offset(b)));
        for (int p = 0; p < 2; p++) {
            String prefix = p + "@";
            assertThat(sources.stream().filter(source -> source.startsWith(prefix)).toList())
                    .isSortedAccordingTo((a, b) -> Long.compare(offset(a), offset(b)));
        }

        List<ConsumerRecord<String, byte[]>> parked = readThenQuiet(in + ".dlt", found -> !found.isEmpty());
        assertThat(parked).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("poison");
            assertThat(header(record, DeadLetterRouting.REASON_HEADER)).isEqualTo("poison: cannot be read");
        });

        assertThat(flakyAttempts).hasValue(3);
        assertThat(meters.get(PartitionWaits.RETRIES).counter().count()).isEqualTo(2);
        await().atMost(WAIT).until(() -> meters.get(PartitionWaits.WAITING).gauge().value() == 0);
        DistributionSummary perTransaction = meters.get(BatchTransactions.RECORDS_PER_TRANSACTION).summary();
        // 21 records of partitions 0 and 1 (the poison parked among them) in the first commit, 10 later.
        assertThat(perTransaction.max()).isGreaterThan(1);
        assertThat(perTransaction.totalAmount()).isEqualTo(input.size());
    }

    private ProducerRecord<String, byte[]> record(int partition, String key, String value) {
        return new ProducerRecord<>(in, partition, key, value.getBytes(StandardCharsets.UTF_8));
    }

    private KafkaTemplate<Object, Object> template() {
        return template;
    }

    private void start(BatchTransactions.RecordHandler handler) {
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producers = new DefaultKafkaProducerFactory<>(producerConfig);
        producers.setTransactionIdPrefix(in + "-tx-");
        template = new KafkaTemplate<>(producers);
        PartitionWaits waits = new PartitionWaits(Duration.ofMillis(400), meters, Clock.systemUTC());
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(400), waits, pausing);
        Map<String, KafkaMessageListenerContainer<String, byte[]>> byId = new ConcurrentHashMap<>();
        BatchTransactions batches = new BatchTransactions(template,
                DeadLetterRouting.parking(template, DeadLetterRouting.AfterParking.NOTHING, waits), policy, waits,
                pausing, byId::get, meters);

        ContainerProperties properties = new ContainerProperties(in);
        properties.setGroupId(in + "-group");
        properties.setAckMode(ContainerProperties.AckMode.MANUAL);
        properties.setMessageListener((BatchConsumerAwareMessageListener<String, byte[]>) (records, consumer) ->
                batches.process("batch-it", records, consumer, handler));
        Map<String, Object> consumerConfig = new HashMap<>();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        container = new KafkaMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(consumerConfig,
                new StringDeserializer(), new ByteArrayDeserializer()), properties);
        byId.put("batch-it", container);
        container.start();
    }

    /** Every committed record of {@code topic}, once {@code done} holds and nothing more arrived for a while. */
    private List<ConsumerRecord<String, byte[]>> readThenQuiet(String topic,
            Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                int before = found.size();
                reader.poll(Duration.ofMillis(100)).forEach(found::add);
                if (found.size() > before) {
                    quietSince = System.nanoTime();
                } else if (done.test(found) && System.nanoTime() - quietSince > QUIET.toNanos()) {
                    return found;
                }
            }
        }
        throw new AssertionError("no quiet end on " + topic + " within " + WAIT + "; read " + found.size());
    }

    private static long offset(String source) {
        return Long.parseLong(source.substring(source.indexOf('@') + 1));
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

}
