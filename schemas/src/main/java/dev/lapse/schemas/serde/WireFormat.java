package dev.lapse.schemas.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: byte 0 is the magic byte 0x00, bytes 1–4 the schema id as a big-endian int32, then
 * the Avro binary encoding of the datum with no container and no single-object header. Every Confluent
 * deserializer (Java, Python, Go, .NET, JavaScript) reads this.
 */
public final class WireFormat {

    /** The only magic byte Lapse writes or reads; Confluent's GUID-in-header mode is deliberately unsupported. */
    public static final byte MAGIC_BYTE = 0x0;

    /** Length of the prefix: the magic byte and the schema id. */
    public static final int PREFIX_LENGTH = 5;

    private WireFormat() {
    }

    /** Prefixes an Avro binary body with the magic byte and the schema id. */
    public static byte[] frame(int schemaId, byte[] avroBody) {
        return ByteBuffer.allocate(PREFIX_LENGTH + avroBody.length)
                .put(MAGIC_BYTE)
                .putInt(schemaId)
                .put(avroBody)
                .array();
    }

    /** Splits a record value into its schema id and Avro body, or explains why it is not in the wire format. */
    public static Framed unframe(byte[] payload) {
        if (payload.length < PREFIX_LENGTH) {
            throw new MalformedPayloadException(
                    "payload of " + payload.length + " bytes is shorter than the 5-byte Confluent prefix");
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new MalformedPayloadException(String.format(
                    "unknown magic byte 0x%02x: expected 0x00 (Confluent wire format)", payload[0] & 0xff));
        }
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        buffer.get();
        int schemaId = buffer.getInt();
        return new Framed(schemaId, buffer.slice());
    }

    /** A payload split into its schema id and the Avro body that follows the prefix. */
    public record Framed(int schemaId, ByteBuffer body) {
    }

    /** The bytes are not in Confluent's wire format. */
    public static final class MalformedPayloadException extends IllegalArgumentException {
        public MalformedPayloadException(String message) {
            super(message);
        }
    }
}
