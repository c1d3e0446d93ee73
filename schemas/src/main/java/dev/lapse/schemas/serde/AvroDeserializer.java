package dev.lapse.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format Avro: fetches the writer's schema by id (cached for good, ids are immutable) and
 * resolves it against the generated class when {@code specific.avro.reader=true}, otherwise returns a
 * GenericRecord. Anything that is not a readable Lapse payload fails with a SerializationException that says why;
 * an unreachable registry fails with {@link RegistryUnavailableException} instead, because the record is fine.
 */
public class AvroDeserializer implements Deserializer<Object> {

    private final Map<Integer, DatumReader<Object>> readersBySchemaId = new ConcurrentHashMap<>();
    private SchemaRegistry registry;
    private SerdeConfig config;

    /** For Kafka, which configures the deserializer through {@link #configure}. */
    public AvroDeserializer() {
    }

    /** For code that builds its own client, such as tests and the launcher. */
    public AvroDeserializer(SchemaRegistry registry, SerdeConfig config) {
        this.registry = registry;
        this.config = config;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = SerdeConfig.from(configs, isKey);
        this.registry = new HttpSchemaRegistry(config.registryUrls());
    }

    @Override
    public Object deserialize(String topic, byte[] payload) {
        if (payload == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer used before configure()");
        }
        try {
            WireFormat.Framed framed = WireFormat.unframe(payload);
            DatumReader<Object> reader = readersBySchemaId.computeIfAbsent(framed.schemaId(), this::readerFor);
            ByteBuffer body = framed.body();
            BinaryDecoder decoder = DecoderFactory.get()
                    .binaryDecoder(body.array(), body.arrayOffset() + body.position(), body.remaining(), null);
            return reader.read(null, decoder);
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (WireFormat.MalformedPayloadException | SchemaRegistryException e) {
            throw new SerializationException("cannot read record from " + topic + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read record from " + topic
                    + ": Avro body does not match its schema: " + e, e);
        }
    }

    /**
     * The schema a record with {@code schemaId} was written with, from the registry (cached there), for a reader
     * that decodes one known schema by hand and must check it is that one.
     *
     * @throws RegistryUnavailableException if the registry cannot be reached now
     * @throws SchemaRegistryException if the registry has no such schema
     */
    public Schema writerSchema(int schemaId) {
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer used before configure()");
        }
        return registry.byId(schemaId);
    }

    private DatumReader<Object> readerFor(int schemaId) {
        Schema writer = registry.byId(schemaId);
        if (!config.specificAvroReader() || writer.getType() != Schema.Type.RECORD) {
            return new GenericDatumReader<>(writer, writer, GenericData.get());
        }
        SpecificData specific = new SpecificData(AvroDeserializer.class.getClassLoader());
        Class<?> type = specific.getClass(writer);
        if (type == null || type == Object.class) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "no generated class for " + writer.getFullName() + " (schema id " + schemaId
                            + ") on the classpath, and specific.avro.reader=true");
        }
        SpecificData forClass = SpecificData.getForClass(type);
        return new SpecificDatumReader<>(writer, forClass.getSchema(type), forClass);
    }
}
