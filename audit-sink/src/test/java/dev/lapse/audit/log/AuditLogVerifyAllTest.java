package dev.lapse.audit.log;

import static dev.lapse.audit.chain.TestEntries.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.ChainLink;
import dev.lapse.audit.chain.HashChain;
import dev.lapse.audit.chain.Verification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link AuditLog#verifyAll()} finds after the files were tampered with behind its back. */
class AuditLogVerifyAllTest {

    private static final String DENIED = "lapse.access.denied";

    @TempDir
    Path directory;

    private final List<ChainLink> granted = new ArrayList<>();

    @Test
    void verifyAll_whenUntouched() throws IOException {
        try (AuditLog log = filledLog()) {
            List<Verification> results = log.verifyAll();

            assertThat(results).allMatch(Verification::isValid).hasSize(3);
            assertThat(results.get(1)).isEqualTo(new Verification.Valid(TOPIC, 3, 4, granted.get(3).hash()));
            assertThat(results).extracting(v -> ((Verification.Valid) v).headHash())
                    .containsExactlyElementsOf(log.heads().values());
        }
    }

    @Test
    void verify_whenPayloadByteTampered() throws IOException {
        try (AuditLog log = filledLog()) {
            LogFiles.editLine(path(TOPIC, 3), 2, line -> line.replace("\"SELECT\"", "\"SELECt\""));

            ChainLink original = granted.get(2);
            AuditEntry o = original.entry();
            AuditEntry tampered = new AuditEntry(o.topic(), 3, o.offset(), o.timestampMs(), o.key(), o.headers(),
                    o.schemaId(), o.eventType(), o.eventId(), o.requestId(),
                    o.payloadJson().replace("SELECT", "SELECt"));
            assertThat(log.verifyAll().get(1)).isEqualTo(new Verification.Broken(TOPIC, 3, 5,
                    "offset 5 of lapse.access.granted-3 does not match its hash (its entry or hash was changed): "
                            + "hash expected " + HashChain.linkHash(original.previousHash(), tampered)
                            + ", found " + original.hash()));
            assertThat(log.verifyAll().get(0).isValid()).isTrue();
        }
    }

    @Test
    void verify_whenLineDeleted() throws IOException {
        try (AuditLog log = filledLog()) {
            LogFiles.deleteLine(path(TOPIC, 3), 1);

            assertThat(log.verifyAll().get(1)).isInstanceOfSatisfying(Verification.Broken.class, broken -> {
                assertThat(broken.offset()).isEqualTo(5);
                assertThat(broken.reason()).endsWith("previous hash expected " + granted.get(0).hash()
                        + ", found " + granted.get(1).hash());
            });
        }
    }

    @Test
    void verify_whenLastLineDeleted() throws IOException {
        try (AuditLog log = filledLog()) {
            LogFiles.deleteLine(path(TOPIC, 3), 3);

            assertThat(log.verifyAll().get(1)).isInstanceOfSatisfying(Verification.Broken.class, broken -> {
                assertThat(broken.offset()).isEqualTo(9);
                assertThat(broken.reason()).startsWith("the file ends after 3 links, not at the head this log")
                        .endsWith("head expected " + granted.get(3).hash() + ", found " + granted.get(2).hash());
            });
        }
    }

    @Test
    void verify_whenFileDeleted() throws IOException {
        try (AuditLog log = filledLog()) {
            Files.delete(path(DENIED, 0));

            assertThat(log.verifyAll().get(0)).isEqualTo(new Verification.Broken(DENIED, 0,
                    Verification.Broken.UNKNOWN_OFFSET, "the file lapse.access.denied-0.jsonl is missing"));
        }
    }

    @Test
    void verify_whenLineIsNotCanonical() throws IOException {
        try (AuditLog log = filledLog()) {
            LogFiles.editLine(path(TOPIC, 3), 1, line -> line.replace("{\"entry\":", "{\"entry\": "));

            assertThat(log.verifyAll().get(1))
                    .isEqualTo(new Verification.Broken(TOPIC, 3, 1, "line 2 is not in canonical form"));
        }
    }

    @Test
    void verify_whenLineCannotBeRead() throws IOException {
        try (AuditLog log = filledLog()) {
            LogFiles.editLine(path(TOPIC, 3), 1, line -> line.substring(0, 40));

            assertThat(log.verifyAll().get(1)).isInstanceOfSatisfying(Verification.Broken.class, broken -> {
                assertThat(broken.offset()).isEqualTo(Verification.Broken.UNKNOWN_OFFSET);
                assertThat(broken.reason()).startsWith("line 2 cannot be read: invalid JSON at index 40");
            });
        }
    }

    @Test
    void verify_whenFileIsNotUtf8() throws IOException {
        try (AuditLog log = filledLog()) {
            LogFiles.appendBytes(path(DENIED, 0), new byte[] {(byte) 0xC3, 0x28, '\n'});

            assertThat(log.verifyAll().get(0)).isInstanceOfSatisfying(Verification.Broken.class,
                    broken -> assertThat(broken.reason()).startsWith("the file is not UTF-8"));
        }
    }

    /** Partition 3 gets offsets 0, 1, 5 and 9 (kept in {@link #granted}); partition 4 and a denied chain one each. */
    private AuditLog filledLog() throws IOException {
        return LogFiles.filledLog(directory, granted);
    }

    private Path path(String topic, int partition) {
        return directory.resolve(AuditLogFile.fileName(topic, partition));
    }
}
