package dev.lapse.audit.kafka;

import dev.lapse.schemas.serde.RegistryUnavailableException;
import dev.lapse.schemas.serde.SchemaRegistry;
import dev.lapse.schemas.serde.SchemaRegistryException;
import dev.lapse.schemas.serde.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a Confluent-wire-format value with its writer's schema alone (looked up by the id in its prefix), never
 * with a reader schema or a generated class: what comes out is what was written, whatever schemas this build knows,
 * so a replay after any schema change decodes every old record exactly as before. Strings stay {@link Utf8} bytes, so
 * bytes that are not UTF-8 are noticed instead of silently replaced. No logical-type conversions: a timestamp stays
 * the long that was written. Thread-safe.
 */
final class WriterSchemaDecoder {

    private final SchemaRegistry registry;
    private final Map<Integer, GenericDatumReader<Object>> readers = new ConcurrentHashMap<>();

    WriterSchemaDecoder(SchemaRegistry registry) {
        this.registry = registry;
    }

    /**
     * The value decoded with its writer's schema.
     *
     * @throws UnreadableValueException if the bytes are not the wire format, name a schema the registry does not have,
     *     or do not match that schema exactly (trailing bytes included)
     * @throws RegistryUnavailableException if the registry cannot answer now: wait and retry, the record is fine
     */
    Decoded decode(byte[] value) {
        WireFormat.Framed framed;
        try {
            framed = WireFormat.unframe(value);
        } catch (WireFormat.MalformedPayloadException e) {
            throw new UnreadableValueException(e.getMessage(), null);
        }
        int schemaId = framed.schemaId();
        GenericDatumReader<Object> reader = readers.get(schemaId);
        if (reader == null) {
            reader = new WrittenDatumReader(writerSchema(schemaId));
            readers.put(schemaId, reader);
        }
        ByteBuffer body = framed.body();
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(body.array(), body.arrayOffset() + body.position(), body.remaining(), null);
        Object datum;
        try {
            datum = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new UnreadableValueException("the Avro body does not match schema " + schemaId + ": "
                        + "bytes are left after the value", schemaId);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof UnreadableValueException unreadable) {
                throw unreadable;
            }
            throw new UnreadableValueException("the Avro body does not match schema " + schemaId + ": " + e, schemaId);
        }
        return new Decoded(schemaId, reader.getSchema(), datum);
    }

    private Schema writerSchema(int schemaId) {
        try {
            return registry.byId(schemaId);
        } catch (SchemaRegistryException e) {
            // Only a definite answer about this id makes the record unreadable: "no such schema" (404) or "not an
            // Avro schema" (422). Anything else (401, 403, 429, ...) says nothing about the record, so it waits, as
            // an unreachable registry does: a replay must never see an entry that an outage made.
            if (e.httpStatus() == 404 || e.httpStatus() == 422) {
                throw new UnreadableValueException("schema id " + schemaId + " cannot be used: " + e.getMessage(),
                        schemaId);
            }
            throw new RegistryUnavailableException("the schema registry refused to give schema " + schemaId + ": "
                    + e.getMessage(), e);
        }
    }

    /** A value decoded with its writer's schema. */
    record Decoded(int schemaId, Schema writer, @Nullable Object datum) {
    }

    /** Keeps strings as the bytes that were written ({@link Utf8}), even where the schema asks for Java strings. */
    private static final class WrittenDatumReader extends GenericDatumReader<Object> {

        WrittenDatumReader(Schema writer) {
            super(writer, writer, plainData());
        }

        // A fresh GenericData: the shared one may have logical-type conversions registered by other code. And no
        // fast reader, which would decode strings itself rather than through readString below.
        private static GenericData plainData() {
            GenericData data = new GenericData();
            data.setFastReaderEnabled(false);
            return data;
        }

        @Override
        protected Object readString(Object old, Schema expected, Decoder in) throws IOException {
            return in.readString(old instanceof Utf8 utf8 ? utf8 : null);
        }

        @Override
        protected Object readString(Object old, Decoder in) throws IOException {
            return in.readString(old instanceof Utf8 utf8 ? utf8 : null);
        }
    }
}
