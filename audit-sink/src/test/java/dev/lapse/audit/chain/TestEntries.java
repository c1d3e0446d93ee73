package dev.lapse.audit.chain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.LongStream;

/** Entries and golden files shared by the chain and log tests. */
public final class TestEntries {

    public static final String TOPIC = "lapse.access.granted";
    public static final int PARTITION = 3;

    /** Genesis of partition 3 of lapse.access.granted, computed independently of this code (Python hashlib). */
    public static final String GENESIS_HASH = "3b32db1d4a3eb9df14dfcdc5f8a722ff4f6ac4e77909b15dc2e1e0dcbc097a89";

    /** Hash of {@link #golden()} linked straight after the genesis, computed independently as well. */
    public static final String GOLDEN_LINK_HASH = "61bea63d28a4ddf1c8d080006383c5bad6b02cb5c651826dc180cbd6f0509f01";

    /** Genesis of partition 2 of lapse.access.submitted.dlt, computed independently (Python hashlib). */
    public static final String DLT_GENESIS_HASH = "5b8fc7acc88236186d01e4e48edbbba019c62dc69f98b02538c8299b51301f60";

    /** Hash of {@link #goldenUnreadable()} linked straight after its genesis, computed independently as well. */
    public static final String GOLDEN_UNREADABLE_LINK_HASH =
            "d61bfa29759fd9c69767b74cfd6d70afaa9f42bb19f05b543958d7a322314f65";

    private TestEntries() {}

    /** An AccessGranted record at offset 42 whose canonical form is golden-entry.canonical.json. */
    public static AuditEntry golden() {
        return new AuditEntry(TOPIC, PARTITION, 42, 1_767_225_600_123L, text("req-0001"), List.of(), 7,
                "AccessGranted", "evt-0001", "req-0001", resource("golden-payload.json"));
    }

    /**
     * A record parked in a dead-letter topic because it could not be read, whose canonical form is
     * golden-unreadable.canonical.json: its reason header, a header that is not UTF-8 and one without a value.
     */
    public static AuditEntry goldenUnreadable() {
        byte[] value = "not avro".getBytes(StandardCharsets.UTF_8);
        return new AuditEntry("lapse.access.submitted.dlt", 2, 5, 1_767_225_600_900L, text("req-0002"), List.of(
                new AuditHeader("lapse.dlt.reason", text("payload of 8 bytes has unknown magic byte 0x6e")),
                new AuditHeader("kafka_dlt-original-offset", RecordBytes.of(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0xff})),
                new AuditHeader("trace", null)), null, AuditEntry.UNREADABLE, null, "req-0002",
                "{\"reason\":\"unknown magic byte 0x6e: expected 0x00 (Confluent wire format)\",\"valueBase64\":\""
                        + Base64.getEncoder().encodeToString(value) + "\"}");
    }

    /** The form of a UTF-8 text as a key or header value. */
    public static RecordBytes text(String text) {
        return RecordBytes.of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A small entry of partition 3 of lapse.access.granted. */
    public static AuditEntry entry(long offset, String requestId) {
        return entry(TOPIC, PARTITION, offset, requestId);
    }

    /** A small entry with a payload that names its own coordinates, so every entry differs. */
    public static AuditEntry entry(String topic, int partition, long offset, String requestId) {
        String eventId = "evt-" + partition + "-" + offset;
        String payload = "{\"eventId\":\"" + eventId + "\",\"requestId\":\"" + requestId + "\",\"occurredAt\":"
                + (1_767_225_600_000L + offset) + ",\"scope\":{\"actions\":[\"SELECT\"],\"columns\":[\"email\"]}}";
        return new AuditEntry(topic, partition, offset, 1_767_225_600_500L + offset, text(requestId), List.of(), 7,
                "AccessGranted", eventId, requestId, payload);
    }

    /** Entries of partition 3 at the given offsets, all of one request. */
    public static List<AuditEntry> entries(long... offsets) {
        return LongStream.of(offsets).mapToObj(offset -> entry(offset, "req-" + offset)).toList();
    }

    /** A file under src/test/resources/dev/lapse/audit/chain, as UTF-8 text without a final newline. */
    public static String resource(String name) {
        try (InputStream in = TestEntries.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
