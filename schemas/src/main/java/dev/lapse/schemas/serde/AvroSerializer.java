package dev.lapse.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (specific or generic) in Confluent's wire format, registering or looking up the schema
 * in a Confluent-API schema registry. A null value is written as a null (a tombstone) and never registered.
 */
public class AvroSerializer implements Serializer<Object> {

    private SchemaRegistry registry;
    private SerdeConfig config;
    private boolean isKey;

    /** For Kafka, which configures the serializer through {@link #configure}. */
    public AvroSerializer() {
    }

    /** For code that builds its own client, such as tests and the launcher. */
    public AvroSerializer(SchemaRegistry registry, SerdeConfig config, boolean isKey) {
        this.registry = registry;
        this.config = config;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = SerdeConfig.from(configs, isKey);
        this.registry = new HttpSchemaRegistry(config.registryUrls());
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        if (!(data instanceof GenericContainer container)) {
            throw new SerializationException("cannot write " + data.getClass().getName()
                    + " to " + topic + " as Avro: only Avro records (SpecificRecord or GenericRecord) are supported");
        }
        Schema schema = container.getSchema();
        String subject = config.subjectNameStrategy().subject(topic, isKey, schema);
        try {
            int schemaId;
            if (config.autoRegisterSchemas()) {
                schemaId = registry.register(subject, schema);
            } else if (config.useLatestVersion()) {
                SchemaRegistry.RegisteredSchema latest = registry.latest(subject);
                schemaId = latest.id();
                schema = latest.schema();
            } else {
                schemaId = registry.idOf(subject, schema);
            }
            return WireFormat.frame(schemaId, encode(schema, data));
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot write " + schema.getFullName() + " to " + topic
                    + " (subject " + subject + "): " + e.getMessage(), e);
        }
    }

    private static byte[] encode(Schema schema, Object data) {
        DatumWriter<Object> writer = data instanceof SpecificRecord
                ? new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema))
                : new GenericDatumWriter<>(schema, GenericData.get());
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + schema.getFullName() + " as Avro: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
