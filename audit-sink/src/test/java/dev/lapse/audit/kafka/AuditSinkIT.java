package dev.lapse.audit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.CanonicalJson;
import dev.lapse.audit.chain.RecordBytes;
import dev.lapse.audit.chain.Verification;
import dev.lapse.audit.log.AuditLog;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.serde.AvroSerializer;
import dev.lapse.schemas.serde.WireFormat;
import dev.lapse.schemas.testing.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** audit-sink on a real broker and registry: every record lands in its chain, and the log verifies. */
class AuditSinkIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final TestStack stack = TestStack.get();

    private static ConfigurableApplicationContext start(Path directory) {
        return SinkFixtures.start(stack, directory, "audit-sink-it", stack.registryUrl());
    }

    @Test
    void everyRecord_isChained_andSurvivesARestartWithoutGapsOrRepeats() throws Exception {
        Path directory = Files.createTempDirectory("lapse-audit-");
        stack.send(Topics.ACCESS_SUBMITTED, "as-1", Events.accessRequested("as-1"));
        stack.sendRaw(Topics.ACCESS_SUBMITTED.name(), "as-1", "not avro".getBytes(StandardCharsets.UTF_8));
        stack.sendRaw(Topics.ACCESS_SUBMITTED.deadLetterName(), "as-1", "parked".getBytes(StandardCharsets.UTF_8));

        try (ConfigurableApplicationContext app = start(directory)) {
            AuditLog log = app.getBean(AuditLog.class);
            await().atMost(WAIT).untilAsserted(() -> assertThat(log.entries("as-1")).hasSize(3));
            assertThat(log.entries("as-1")).extracting(entry -> entry.topic() + " " + entry.eventType())
                    .containsExactlyInAnyOrder("lapse.access.submitted AccessRequested",
                            "lapse.access.submitted Unreadable", "lapse.access.submitted.dlt Unreadable");
            assertThat(log.verifyAll()).isNotEmpty().allMatch(Verification::isValid);
        }

        stack.send(Topics.ACCESS_DENIED, "as-1", AccessDenied.newBuilder().setEventId("d-1").setRequestId("as-1")
                .setOccurredAt(Instant.now()).setCausedBy(new Actor(ActorKind.SERVICE, "policy-engine"))
                .setRequesterId("alice").setReason("no").setPolicy("test").build());

        try (ConfigurableApplicationContext app = start(directory)) {
            AuditLog log = app.getBean(AuditLog.class);
            await().atMost(WAIT).untilAsserted(() -> assertThat(log.entries("as-1")).hasSize(4));
            List<AuditEntry> entries = log.entries("as-1");
            assertThat(entries).extracting(AuditEntry::eventType)
                    .containsExactlyInAnyOrder("AccessRequested", "Unreadable", "Unreadable", "AccessDenied");
            assertThat(log.verifyAll()).allMatch(Verification::isValid);

            // and: the API serves the trail exactly as hashed, and the verification
            String api = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> trail = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/audit/requests/as-1"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(trail.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(trail.body()).isEqualTo(entries.stream().map(CanonicalJson::entry)
                    .collect(Collectors.joining(",", "[", "]")));
            assertThat(http.send(HttpRequest.newBuilder(URI.create(api + "/v1/audit/verify")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).startsWith("{\"valid\":true");
        }
    }

    @Test
    void recordWithEmptyRequestIdAndEmptyKey_isAudited_andItsPartitionGoesOn() throws Exception {
        // Issue 14 item 3: this record made the listener retry for ever, so nothing after it was audited.
        Path directory = Files.createTempDirectory("lapse-audit-");
        RecordMetadata bad;
        RecordMetadata unknownSchema;
        RecordMetadata tombstone;
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(stack.serdeConfig(), false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()), new StringSerializer(), serializer)) {
            String topic = Topics.ACCESS_SUBMITTED.name();
            bad = producer.send(new ProducerRecord<>(topic, "", Events.accessRequested(""))).get();
            // and after it, on the same partition, two more records nobody can read, then a good one
            unknownSchema = sendRaw(topic, bad.partition(), "empty-after",
                    WireFormat.frame(987_654, new byte[] {2, 'x'}));
            tombstone = sendRaw(topic, bad.partition(), "empty-after", null);
            producer.send(new ProducerRecord<>(topic, bad.partition(), "empty-after",
                    Events.accessRequested("empty-after"))).get();
        }

        try (ConfigurableApplicationContext app = start(directory)) {
            AuditLog log = app.getBean(AuditLog.class);
            await().atMost(WAIT).untilAsserted(() -> assertThat(log.entries("empty-after")).hasSize(3));

            List<AuditEntry> chain = SinkFixtures.chain(directory, bad.topic(), bad.partition());
            assertThat(chain).filteredOn(entry -> entry.offset() == bad.offset()).singleElement().satisfies(entry -> {
                assertThat(entry.eventType()).isEqualTo("AccessRequested");
                assertThat(entry.key()).isEqualTo(new RecordBytes("", null));
                assertThat(entry.requestId()).isNull();
            });
            assertThat(chain).filteredOn(entry -> entry.offset() == unknownSchema.offset()).singleElement()
                    .satisfies(entry -> {
                        assertThat(entry.eventType()).isEqualTo(AuditEntry.UNREADABLE);
                        assertThat(entry.schemaId()).isEqualTo(987_654);
                        assertThat(entry.payloadJson()).contains("schema id 987654 cannot be used", "HTTP 404");
                    });
            assertThat(chain).filteredOn(entry -> entry.offset() == tombstone.offset()).singleElement()
                    .satisfies(entry -> assertThat(entry.payloadJson()).isEqualTo(
                            "{\"reason\":\"a tombstone: the record has no value\",\"valueBase64\":null}"));
            assertThat(log.entries("empty-after")).extracting(AuditEntry::eventType)
                    .containsExactly("Unreadable", "Unreadable", "AccessRequested");
            assertThat(log.verifyAll()).allMatch(Verification::isValid);
        }
    }

    private static RecordMetadata sendRaw(String topic, int partition, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
        }
    }
}
