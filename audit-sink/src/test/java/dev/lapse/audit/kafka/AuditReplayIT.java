package dev.lapse.audit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.AuditHeader;
import dev.lapse.audit.chain.ChainId;
import dev.lapse.audit.chain.RecordBytes;
import dev.lapse.audit.chain.Verification;
import dev.lapse.audit.log.AuditLog;
import dev.lapse.event.AccessRequested;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.serde.AvroSerializer;
import dev.lapse.schemas.testing.TestStack;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The audit records each record as written: a replay from offset 0 into an empty directory gives byte-identical
 * chain files, also after the schema of a subject evolved, and also when the registry was down while replaying.
 */
class AuditReplayIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final TestStack stack = TestStack.get();
    private static final String STATE_TOPIC = "lapse.state.audit-it.grants";

    @Test
    void replayFromOffsetZero_givesByteIdenticalChains_afterASchemaEvolutionAndThroughARegistryOutage()
            throws Exception {
        // given: events under the current schema, a parked record with its reason, and a service's own state
        Path first = Files.createTempDirectory("lapse-audit-first-");
        List<RecordMetadata> v1 = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            v1.add(sendAvro("replay-v1-" + i, Events.accessRequested("replay-v1-" + i)));
        }
        RecordHeaders parkedHeaders = new RecordHeaders();
        parkedHeaders.add(DeadLetterRouting.REASON_HEADER,
                "unknown magic byte 0x6e: expected 0x00 (Confluent wire format)".getBytes(StandardCharsets.UTF_8));
        parkedHeaders.add("kafka_dlt-original-offset", new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0xff});
        RecordMetadata parked = sendRaw(Topics.ACCESS_SUBMITTED.deadLetterName(), "replay-parked",
                "not avro".getBytes(StandardCharsets.UTF_8), parkedHeaders);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(STATE_TOPIC, 1, (short) 1))).all().get();
        }
        sendRaw(STATE_TOPIC, "replay-v1-0", "{\"state\":1}".getBytes(StandardCharsets.UTF_8), new RecordHeaders());

        Schema v2 = RecordEntriesTest.v2(AccessRequested.getClassSchema());
        try (ConfigurableApplicationContext app = SinkFixtures.start(stack, first, "audit-replay-first",
                stack.registryUrl())) {
            AuditLog log = app.getBean(AuditLog.class);
            await().atMost(WAIT).untilAsserted(() -> assertThat(log.entries("replay-v1-2")).hasSize(1));

            // when: the subject evolves (an added field with a default) and events are written under v2
            for (int i = 0; i < 3; i++) {
                GenericRecord event = asV2(Events.accessRequested("replay-v2-" + i), v2);
                event.put("approverHint", "bob-" + i);
                sendAvro("replay-v2-" + i, event);
            }
            Map<ChainId, Long> heads = SinkFixtures.lastRecordOffsets(stack);
            await().atMost(WAIT).until(() -> caughtUp(log, heads));
            assertThat(log.heads().keySet()).isEqualTo(heads.keySet());
            assertThat(log.verifyAll()).allMatch(Verification::isValid);
        }

        // and: a second sink replays from offset 0 into an empty directory, in its own group, through a registry
        // that is down when it starts
        Path second = Files.createTempDirectory("lapse-audit-second-");
        Map<ChainId, Long> heads = SinkFixtures.lastRecordOffsets(stack);
        try (FlakyRegistryProxy registry = new FlakyRegistryProxy(stack.registryUrl())) {
            registry.down(true);
            replayThroughAnOutage(second, registry, heads);
        }

        // then: the same files, byte for byte, and none for a service's state
        Map<String, byte[]> firstFiles = SinkFixtures.files(first);
        Map<String, byte[]> secondFiles = SinkFixtures.files(second);
        assertThat(secondFiles.keySet()).isEqualTo(firstFiles.keySet())
                .noneMatch(name -> name.startsWith("lapse.state."));
        firstFiles.forEach((name, bytes) -> assertThat(secondFiles.get(name)).as(name).isEqualTo(bytes));

        // and: the v2 entries hold the added field, under another schema id than the v1 entries
        String submitted = Topics.ACCESS_SUBMITTED.name();
        List<AuditEntry> entries = new ArrayList<>();
        for (int partition = 0; partition < Topics.ACCESS_SUBMITTED.partitions(); partition++) {
            entries.addAll(SinkFixtures.chain(second, submitted, partition));
        }
        List<AuditEntry> ofV2 = entries.stream().filter(entry -> String.valueOf(entry.requestId())
                .startsWith("replay-v2-")).toList();
        List<AuditEntry> ofV1 = entries.stream().filter(entry -> String.valueOf(entry.requestId())
                .startsWith("replay-v1-")).toList();
        assertThat(ofV2).hasSize(3).allSatisfy(entry -> assertThat(entry.payloadJson())
                .contains("\"approverHint\":\"bob-" + entry.requestId().substring("replay-v2-".length()) + "\""));
        assertThat(ofV1).hasSize(3).allSatisfy(entry -> assertThat(entry.payloadJson()).doesNotContain("approverHint"));
        assertThat(Set.copyOf(ofV2.stream().map(AuditEntry::schemaId).toList())).singleElement()
                .isNotIn(ofV1.stream().map(AuditEntry::schemaId).toList());
        assertThat(entries).noneMatch(entry -> entry.payloadJson().contains("unreachable")
                || entry.payloadJson().contains("HTTP 503"));

        // and: the parked record's entry holds its dead-letter reason
        assertThat(SinkFixtures.chain(second, parked.topic(), parked.partition()))
                .filteredOn(entry -> entry.offset() == parked.offset()).singleElement().satisfies(entry -> {
                    assertThat(entry.eventType()).isEqualTo(AuditEntry.UNREADABLE);
                    assertThat(entry.headers()).containsExactly(
                            new AuditHeader(DeadLetterRouting.REASON_HEADER, new RecordBytes(
                                    "unknown magic byte 0x6e: expected 0x00 (Confluent wire format)", null)),
                            new AuditHeader("kafka_dlt-original-offset", new RecordBytes(null, "AAAAAAAAAP8=")));
                });
        assertThat(v1).extracting(RecordMetadata::topic).containsOnly(submitted);
    }

    private static void replayThroughAnOutage(Path directory, FlakyRegistryProxy registry, Map<ChainId, Long> heads) {
        try (ConfigurableApplicationContext app = SinkFixtures.start(stack, directory, "audit-replay-second",
                registry.url())) {
            AuditLog log = app.getBean(AuditLog.class);
            MeterRegistry meters = app.getBean(MeterRegistry.class);
            await().atMost(WAIT).until(() -> meters.get("lapse.audit.waiting").gauge().value() == 1);
            // several retries, 100, 200, 400 ms apart: each is refused, none becomes an entry
            await().atMost(WAIT).until(() -> registry.refused() >= 4);

            registry.down(false);
            long upNs = System.nanoTime();
            await().atMost(WAIT).until(() -> caughtUp(log, heads));
            System.out.printf("audit replay: caught up %d ms after the registry came back, %d calls refused%n",
                    (System.nanoTime() - upNs) / 1_000_000, registry.refused());
            assertThat(meters.get("lapse.audit.waiting").gauge().value()).isZero();
            assertThat(meters.get("lapse.audit.waits").counter().count()).isEqualTo(1);
        }
    }

    private static boolean caughtUp(AuditLog log, Map<ChainId, Long> heads) {
        return heads.entrySet().stream().allMatch(head -> log.lastOffset(head.getKey()).orElse(-1) == head.getValue());
    }

    private static GenericRecord asV2(AccessRequested event, Schema v2) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<AccessRequested>(AccessRequested.getClassSchema()).write(event, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(AccessRequested.getClassSchema(), v2)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    private static RecordMetadata sendAvro(String key, Object value) throws Exception {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(stack.serdeConfig(), false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()), new StringSerializer(), serializer)) {
            return producer.send(new ProducerRecord<>(Topics.ACCESS_SUBMITTED.name(), key, value)).get();
        }
    }

    private static RecordMetadata sendRaw(String topic, String key, byte[] value, RecordHeaders headers)
            throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, null, key, value, headers)).get();
        }
    }
}
