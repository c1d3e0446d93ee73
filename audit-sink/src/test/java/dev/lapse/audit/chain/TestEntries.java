package dev.lapse.audit.chain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.LongStream;

/** Entries and golden files shared by the chain and log tests. */
public final class TestEntries {

    public static final String TOPIC = "lapse.access.granted";
    public static final int PARTITION = 3;

    /** Genesis of partition 3 of lapse.access.granted, computed independently of this code (Python hashlib). */
    public static final String GENESIS_HASH = "3b32db1d4a3eb9df14dfcdc5f8a722ff4f6ac4e77909b15dc2e1e0dcbc097a89";

    /** Hash of {@link #golden()} linked straight after the genesis, computed independently as well. */
    public static final String GOLDEN_LINK_HASH = "21443ee6e01d8b0e60704718581ae5da13a1fd76b37b2cb288c3d7c163b651af";

    private TestEntries() {}

    /** An AccessGranted record at offset 42 whose canonical form is golden-entry.canonical.json. */
    public static AuditEntry golden() {
        return new AuditEntry(TOPIC, PARTITION, 42, 1_767_225_600_123L, "req-0001", "AccessGranted", "evt-0001",
                "req-0001", 1_767_225_600_000L, resource("golden-payload.json"));
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
        return new AuditEntry(topic, partition, offset, 1_767_225_600_500L + offset, requestId, "AccessGranted",
                eventId, requestId, 1_767_225_600_000L + offset, payload);
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
