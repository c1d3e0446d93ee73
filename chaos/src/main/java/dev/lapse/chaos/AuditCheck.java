package dev.lapse.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lapse.chaos.report.AuditTally;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the audit files against the topics: every committed record (read_committed) of every audited topic must
 * have exactly one entry, and no entry may name a record the topics do not hold as committed. Audited topics are
 * those the audit sink subscribes to ({@code lapse.*}) except the services' own state ({@code lapse.state.*}).
 *
 * <p>Only the Kafka coordinates are read from each line of each {@code *.jsonl} chain file: the first JSON object,
 * breadth first, that has {@code topic}, {@code partition} and {@code offset}. The rest of the entry format may change.
 */
final class AuditCheck {

    private static final Logger log = LoggerFactory.getLogger(AuditCheck.class);
    private static final Pattern AUDITED = Pattern.compile("lapse\\..+");
    private static final String STATE_PREFIX = "lapse.state.";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A record's place in Kafka. */
    record Coordinates(String topic, int partition, long offset) {
    }

    private AuditCheck() {
    }

    /** Waits up to {@code timeout} for the audit to hold every committed record, then counts and verifies. */
    static AuditTally run(String bootstrapServers, Path auditDirectory, ServiceProcess auditSink, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Comparison comparison = compare(bootstrapServers, auditDirectory);
        while ((comparison.missing() > 0 || comparison.unknown() > 0) && Instant.now().isBefore(deadline)) {
            ServiceProcess.pause(Duration.ofSeconds(1));
            comparison = compare(bootstrapServers, auditDirectory);
        }
        Optional<String> verify = auditSink.get("/v1/audit/verify");
        boolean valid = false;
        String detail = "no answer from " + auditSink.url() + "/v1/audit/verify";
        if (verify.isPresent()) {
            try {
                valid = JSON.readTree(verify.get()).path("valid").asBoolean(false);
                detail = verify.get().length() > 300 ? verify.get().substring(0, 300) + "…" : verify.get();
            } catch (IOException e) {
                detail = "unreadable answer: " + e.getMessage();
            }
        }
        return new AuditTally(comparison.records(), comparison.missing(), comparison.doubled(), comparison.unknown(),
                valid, detail);
    }

    /** One look at the topics and the files. */
    private record Comparison(long records, long missing, long doubled, long unknown) {
    }

    private static Comparison compare(String bootstrapServers, Path auditDirectory) {
        Set<Coordinates> committed = committed(bootstrapServers);
        Map<Coordinates, Integer> entries = entries(auditDirectory);
        long missing = committed.stream().filter(c -> !entries.containsKey(c)).count();
        long unknown = entries.entrySet().stream().filter(e -> !committed.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        long doubled = entries.entrySet().stream().filter(e -> committed.contains(e.getKey()))
                .mapToLong(e -> e.getValue() - 1).sum();
        return new Comparison(committed.size(), missing, doubled, unknown);
    }

    /** The coordinates of every committed record of the audited topics. */
    static Set<Coordinates> committed(String bootstrapServers) {
        List<String> topics;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            topics = admin.listTopics().names().get().stream()
                    .filter(name -> AUDITED.matcher(name).matches() && !name.startsWith(STATE_PREFIX)).sorted().toList();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot list the topics: " + e.getMessage(), e);
        }
        Set<Coordinates> coordinates = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers,
                "isolation.level", "read_committed", "enable.auto.commit", "false", "max.poll.records", "5000"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            topics.forEach(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Under read_committed the end offsets are the last stable offsets: the committed end of each partition.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            Instant deadline = Instant.now().plusSeconds(60);
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read the audited topics to their end within 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        coordinates.add(new Coordinates(record.topic(), record.partition(), record.offset()));
                    }
                }
            }
        }
        return coordinates;
    }

    /**
     * How many entries name each record, over every chain file, {@code lapse.state.*} left out; a line without
     * coordinates counts under a key of its own (file name, -1, -1), which no committed record has.
     */
    static Map<Coordinates, Integer> entries(Path auditDirectory) {
        Map<Coordinates, Integer> entries = new HashMap<>();
        if (!Files.isDirectory(auditDirectory)) {
            return entries;
        }
        List<Path> files;
        try (Stream<Path> paths = Files.walk(auditDirectory)) {
            files = paths.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + auditDirectory, e);
        }
        for (Path file : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                Coordinates found = coordinates(line).orElseGet(() -> {
                    log.warn("A line of {} names no Kafka record: {}", file.getFileName(),
                            line.length() > 120 ? line.substring(0, 120) + "…" : line);
                    return new Coordinates(file.getFileName().toString(), -1, -1);
                });
                // The services' own state may be audited too, but is not part of the comparison.
                if (!found.topic().startsWith(STATE_PREFIX)) {
                    entries.merge(found, 1, Integer::sum);
                }
            }
        }
        return entries;
    }

    static Optional<Coordinates> coordinates(String line) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (IOException e) {
            return Optional.empty();
        }
        Deque<JsonNode> queue = new ArrayDeque<>(List.of(root));
        while (!queue.isEmpty()) {
            JsonNode node = queue.removeFirst();
            if (!node.isObject()) {
                continue;
            }
            if (node.path("topic").isTextual() && integral(node.path("partition")) && integral(node.path("offset"))) {
                return Optional.of(new Coordinates(node.get("topic").asText(),
                        Integer.parseInt(node.get("partition").asText()), Long.parseLong(node.get("offset").asText())));
            }
            node.elements().forEachRemaining(queue::addLast);
        }
        return Optional.empty();
    }

    // A number, or a string of digits (a canonical JSON may write 64-bit integers as strings).
    private static boolean integral(JsonNode node) {
        return node.isIntegralNumber() || (node.isTextual() && node.asText().matches("\\d{1,18}"));
    }
}
