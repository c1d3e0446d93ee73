package dev.lapse.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.embedded.KafkaBroker;
import dev.lapse.embedded.SchemaRegistryProcess;
import dev.lapse.event.AccessRequested;
import dev.lapse.schemas.Events;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The serde against a real Apicurio registry (Confluent API) and a real KRaft broker. */
class SerdeIT {

    private static SchemaRegistryProcess registry;
    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        registry = SchemaRegistryProcess.startTemporary();
        broker = KafkaBroker.startTemporary();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private static Map<String, Object> serdeConfig() {
        return Map.of("schema.registry.url", registry.confluentApiUrl(), "specific.avro.reader", "true");
    }

    @Test
    void register_isIdempotentAndReusesIdsAcrossSubjects() {
        HttpSchemaRegistry client = new HttpSchemaRegistry(List.of(registry.confluentApiUrl()));
        Schema schema = AccessRequested.getClassSchema();

        int first = client.register("idempotence-value", schema);
        int again = new HttpSchemaRegistry(List.of(registry.confluentApiUrl())).register("idempotence-value", schema);
        int otherSubject = client.register("other-value", schema);

        assertThat(again).isEqualTo(first);
        assertThat(otherSubject).isEqualTo(first);
        assertThat(client.byId(first)).isEqualTo(schema);
        assertThat(client.latest("idempotence-value").id()).isEqualTo(first);
        assertThat(client.idOf("idempotence-value", schema)).isEqualTo(first);
    }

    @Test
    void register_whenIncompatible_failsWith409() {
        HttpSchemaRegistry client = new HttpSchemaRegistry(List.of(registry.confluentApiUrl()));
        Schema v1 = SchemaBuilder.record("Thing").namespace("test").fields().requiredString("name").endRecord();
        Schema v2 = SchemaBuilder.record("Thing").namespace("test").fields().requiredLong("name").endRecord();
        client.register("compat-value", v1);

        assertThatThrownBy(() -> client.register("compat-value", v2))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.isIncompatible()).as(e.getMessage()).isTrue());
    }

    @Test
    void lookups_whenMissing_giveConfluentErrorCodes() {
        HttpSchemaRegistry client = new HttpSchemaRegistry(List.of(registry.confluentApiUrl()));

        assertThatThrownBy(() -> client.byId(987654))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> client.idOf("no-such-subject-value", AccessRequested.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    }

    @Test
    void registry_whenUnreachable_isUnavailableNotBroken() {
        HttpSchemaRegistry client = new HttpSchemaRegistry(List.of("http://127.0.0.1:1"));
        assertThatThrownBy(() -> client.byId(1))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("unreachable");
        AvroDeserializer deserializer = new AvroDeserializer(client, SerdeConfig.from(Map.of(
                "schema.registry.url", "http://127.0.0.1:1", "specific.avro.reader", "true"), false));
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0, 1, 2}))
                .isInstanceOf(RegistryUnavailableException.class);
    }

    @Test
    void roundTrip_throughKafka_specificAndGeneric() throws Exception {
        String topic = "serde-round-trip";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        AccessRequested event = Events.accessRequested("req-round-trip");
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(serdeConfig(), false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), serializer)) {
            producer.send(new ProducerRecord<>(topic, event.getRequestId(), event)).get();
        }

        ConsumerRecord<String, Object> specific = readOne(topic, serdeConfig());
        ConsumerRecord<String, Object> generic = readOne(topic, Map.of("schema.registry.url", registry.confluentApiUrl()));

        assertThat(specific.key()).isEqualTo("req-round-trip");
        assertThat(specific.value()).isEqualTo(event);
        assertThat(generic.value()).isInstanceOf(GenericRecord.class);
        assertThat(((GenericRecord) generic.value()).get("requestId").toString()).isEqualTo("req-round-trip");
        // The bytes on the topic are the wire format with the id the registry gave: nothing Lapse-specific.
        int id = new HttpSchemaRegistry(List.of(registry.confluentApiUrl()))
                .idOf(topic + "-value", AccessRequested.getClassSchema());
        byte[] expectedPrefix = WireFormat.frame(id, new byte[0]);
        byte[] onTheWire = serializer.serialize(topic, event);
        assertThat(HexFormat.of().formatHex(onTheWire)).startsWith(HexFormat.of().formatHex(expectedPrefix));
    }

    @Test
    void deserialize_whenNotWireFormat_failsWithReason() {
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(serdeConfig(), false);
        assertThatThrownBy(() -> deserializer.deserialize("t", "{\"hello\":1}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot read record from t: unknown magic byte 0x7b: expected 0x00 (Confluent wire format)");
    }

    private static ConsumerRecord<String, Object> readOne(String topic, Map<String, Object> serde) {
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(serde, false);
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "group.id", "serde-it-" + System.identityHashCode(serde),
                "auto.offset.reset", "earliest"), new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, Object>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).as("a record on " + topic + " within 30 s").hasSize(1);
            return records.get(0);
        }
    }
}
