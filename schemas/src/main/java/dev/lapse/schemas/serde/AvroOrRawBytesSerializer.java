package dev.lapse.schemas.serde;

/**
 * The value serializer of Lapse's producers: Avro records go out in Confluent's wire format, and raw
 * {@code byte[]} values go out unchanged. Raw bytes only ever come from dead-letter routing, which must park an
 * unreadable record exactly as it arrived.
 */
public class AvroOrRawBytesSerializer extends AvroSerializer {

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data instanceof byte[] raw) {
            return raw;
        }
        return super.serialize(topic, data);
    }
}
