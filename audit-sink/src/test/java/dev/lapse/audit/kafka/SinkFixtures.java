package dev.lapse.audit.kafka;

import dev.lapse.audit.AuditSinkApplication;
import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.CanonicalJson;
import dev.lapse.audit.chain.ChainId;
import dev.lapse.audit.log.AuditLogFile;
import dev.lapse.schemas.testing.TestStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Starting audit-sinks on the test stack, and reading what they wrote and what they should have. */
final class SinkFixtures {

    private SinkFixtures() {
    }

    /** An audit-sink writing to a directory, in a consumer group, reading schemas from a registry URL. */
    static ConfigurableApplicationContext start(TestStack stack, Path directory, String groupId, String registryUrl) {
        // Not stack.springArgs(): a second schema.registry.url argument would be joined to the first, not replace it.
        return AuditSinkApplication.builder().run(
                "--spring.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                "--spring.kafka.properties.schema.registry.url=" + registryUrl,
                "--spring.kafka.consumer.group-id=" + groupId,
                "--server.port=0",
                "--lapse.audit.directory=" + directory);
    }

    /** The entries of one chain file, read back as written (the sink verifies the files; this only reads them). */
    static List<AuditEntry> chain(Path directory, String topic, int partition) throws IOException {
        Path file = directory.resolve(AuditLogFile.fileName(topic, partition));
        if (!Files.exists(file)) {
            return List.of();
        }
        List<AuditEntry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Map<?, ?> link = (Map<?, ?>) CanonicalJson.parse(line);
            entries.add(CanonicalJson.toEntry((Map<?, ?>) link.get("entry")));
        }
        return entries;
    }

    /** Every file in a directory by name, with its bytes. */
    static Map<String, byte[]> files(Path directory) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (var paths = Files.list(directory)) {
            for (Path path : paths.toList()) {
                files.put(path.getFileName().toString(), Files.readAllBytes(path));
            }
        }
        return files;
    }

    /**
     * The offset of the last committed record of every partition the audit reads (topics matching its pattern),
     * read from the broker with a plain consumer: what a sink that has caught up must hold as its chains' heads.
     */
    static Map<ChainId, Long> lastRecordOffsets(TestStack stack) {
        Pattern audited = Pattern.compile(AuditListener.TOPIC_PATTERN);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", stack.bootstrapServers(), "isolation.level", "read_committed",
                "enable.auto.commit", "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Set<String> topics = consumer.listTopics().keySet().stream()
                    .filter(topic -> audited.matcher(topic).matches()).collect(Collectors.toSet());
            List<TopicPartition> partitions = new ArrayList<>();
            topics.forEach(topic -> consumer.partitionsFor(topic)
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<ChainId, Long> last = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read the audited topics to their ends within 30 s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    last.put(new ChainId(record.topic(), record.partition()), record.offset());
                }
            }
            return last;
        }
    }
}
