package dev.lapse.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.event.AccessRequested;
import dev.lapse.schemas.Events;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final SerdeConfig CONFIG =
            new SerdeConfig(List.of("http://registry.invalid"), true, false, true, SubjectNameStrategy.TOPIC);

    // --- the golden bytes: what every Confluent deserializer reads ---

    @Test
    void serialize_whenAccessRequested_matchesGoldenBytes() throws IOException {
        byte[] bytes = new AvroSerializer(new FixedIdRegistry(7), CONFIG, false)
                .serialize("lapse.access.submitted", Events.accessRequested("req-42"));

        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(golden("access-requested-id7.hex"));
        assertThat(bytes).startsWith(0x00, 0x00, 0x00, 0x00, 0x07);
    }

    @Test
    void deserialize_whenGoldenBytes_readsTheSameRecord() throws IOException {
        FixedIdRegistry registry = new FixedIdRegistry(7);
        registry.register("any", AccessRequested.getClassSchema());
        byte[] golden = HexFormat.of().parseHex(golden("access-requested-id7.hex"));

        Object read = new AvroDeserializer(registry, CONFIG).deserialize("lapse.access.submitted", golden);

        assertThat(read).isEqualTo(Events.accessRequested("req-42"));
    }

    @Test
    void frame_whenLargeId_writesItBigEndian() {
        assertThat(WireFormat.frame(0x01020304, new byte[] {9})).containsExactly(0, 1, 2, 3, 4, 9);
    }

    // --- malformed payloads get a clear reason ---

    @Test
    void unframe_whenShorterThanPrefix() {
        assertThatThrownBy(() -> WireFormat.unframe(new byte[] {0, 0, 1}))
                .isInstanceOf(WireFormat.MalformedPayloadException.class)
                .hasMessage("payload of 3 bytes is shorter than the 5-byte Confluent prefix");
    }

    @Test
    void unframe_whenJsonInsteadOfAvro() {
        assertThatThrownBy(() -> WireFormat.unframe("{\"requestId\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("unknown magic byte 0x7b: expected 0x00 (Confluent wire format)");
    }

    @Test
    void deserialize_whenBodyTruncated_failsWithSerializationException() {
        FixedIdRegistry registry = new FixedIdRegistry(7);
        byte[] bytes = new AvroSerializer(registry, CONFIG, false)
                .serialize("t", Events.accessRequested("req-42"));
        byte[] truncated = java.util.Arrays.copyOf(bytes, 20);

        assertThatThrownBy(() -> new AvroDeserializer(registry, CONFIG).deserialize("t", truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot read record from t: Avro body does not match its schema");
    }

    @Test
    void deserialize_whenUnknownSchemaId_namesTheId() {
        assertThatThrownBy(() -> new AvroDeserializer(new FixedIdRegistry(7), CONFIG)
                        .deserialize("t", WireFormat.frame(99, new byte[] {2})))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot read record from t: no schema 99");
    }

    @Test
    void serialize_whenNotAnAvroRecord_saysWhatIsSupported() {
        assertThatThrownBy(() -> new AvroSerializer(new FixedIdRegistry(7), CONFIG, false).serialize("t", "text"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("only Avro records (SpecificRecord or GenericRecord) are supported");
    }

    @Test
    void serialize_whenNull_writesTombstone() {
        assertThat(new AvroSerializer(new FixedIdRegistry(7), CONFIG, false).serialize("t", null)).isNull();
    }

    @Test
    void rawBytesSerializer_whenBytes_passesThemUnchanged() {
        AvroOrRawBytesSerializer serializer = new AvroOrRawBytesSerializer();
        assertThat(serializer.serialize("t.dlt", new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = WireFormatTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IOException("missing golden file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
