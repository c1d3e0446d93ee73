package dev.lapse.audit.log;

import static dev.lapse.audit.chain.TestEntries.PARTITION;
import static dev.lapse.audit.chain.TestEntries.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.ChainId;
import dev.lapse.audit.chain.ChainLink;
import dev.lapse.audit.chain.DuplicateEntryException;
import dev.lapse.audit.chain.HashChain;
import dev.lapse.audit.chain.TestEntries;
import dev.lapse.audit.chain.Verification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    private static final String DENIED = "lapse.access.denied";

    @TempDir
    Path directory;

    private final List<ChainLink> granted = new ArrayList<>();

    @Test
    void append_routesEachEntryToTheFileOfItsPartition() throws IOException {
        try (AuditLog log = filledLog()) {
            assertThat(log.heads()).containsOnlyKeys(
                    new ChainId(DENIED, 0), new ChainId(TOPIC, 3), new ChainId(TOPIC, 4));
        }

        try (var files = Files.list(directory)) {
            assertThat(files.map(path -> path.getFileName().toString()).sorted()).containsExactly(
                    "lapse.access.denied-0.jsonl", "lapse.access.granted-3.jsonl", "lapse.access.granted-4.jsonl");
        }
        assertThat(LogFiles.lines(path(TOPIC, 3))).hasSize(4);
    }

    @Test
    void open_whenRestarted_restoresHeadsAndContinues() throws IOException {
        Map<ChainId, String> heads;
        try (AuditLog log = filledLog()) {
            log.sync();
            heads = log.heads();
        }

        try (AuditLog log = AuditLog.open(directory)) {
            assertThat(log.heads()).isEqualTo(heads);
            ChainLink next = log.append(TestEntries.entry(10, "req-b"));

            assertThat(next.previousHash()).isEqualTo(heads.get(new ChainId(TOPIC, 3)));
            assertThat(log.verifyAll()).allMatch(Verification::isValid);
        }
    }

    @Test
    void open_whenFileTampered() throws IOException {
        filledLog().close();
        LogFiles.editLine(path(TOPIC, 4), 0, line -> line.replace("req-a", "req-z"));

        assertThatThrownBy(() -> AuditLog.open(directory))
                .isInstanceOfSatisfying(AuditLogCorruptedException.class,
                        e -> assertThat(e.broken().topic() + "-" + e.broken().partition())
                                .isEqualTo("lapse.access.granted-4"));
    }

    @Test
    void open_whenAFileIsInTheFirstEntryFormat_refusesAndSaysWhatToDo() throws IOException {
        Files.writeString(path(TOPIC, PARTITION), "{\"entry\":{\"eventId\":\"e1\",\"eventType\":\"AccessGranted\","
                + "\"key\":\"r1\",\"occurredAtMs\":1000,\"offset\":0,\"partition\":3,\"payload\":{},"
                + "\"requestId\":\"r1\",\"timestampMs\":1001,\"topic\":\"lapse.access.granted\"},"
                + "\"hash\":\"" + "0".repeat(64) + "\",\"prev\":\"" + TestEntries.GENESIS_HASH + "\"}\n");

        assertThatThrownBy(() -> AuditLog.open(directory))
                .isInstanceOf(AuditLogCorruptedException.class)
                .hasMessageContaining("line 1 cannot be read: the entry was written by an older audit-sink");
    }

    @Test
    void open_ignoresFilesThatAreNotChains() throws IOException {
        Files.writeString(directory.resolve("notes.txt"), "x");
        Files.writeString(directory.resolve("lapse.access.granted-3.jsonl.tampered"), "x");
        Files.writeString(directory.resolve("lapse.access.granted-03.jsonl"), "x");
        Files.writeString(directory.resolve("bad topic-3.jsonl"), "x");

        try (AuditLog log = AuditLog.open(directory)) {
            assertThat(log.heads()).isEmpty();
            assertThat(log.verifyAll()).isEmpty();
        }
    }

    @Test
    void append_whenRedelivered() throws IOException {
        try (AuditLog log = filledLog()) {
            assertThatThrownBy(() -> log.append(granted.get(3).entry())).isInstanceOf(DuplicateEntryException.class);
            assertThatThrownBy(() -> log.append(granted.get(1).entry()))
                    .hasMessageContaining("does not come after offset 9");
        }
        assertThat(LogFiles.lines(path(TOPIC, 3))).hasSize(4);
    }

    @Test
    void append_afterAFailedWrite_reopensTheFileAndContinuesTheChain() throws IOException {
        try (AuditLog log = AuditLog.open(directory)) {
            log.append(TestEntries.entry(0, "r"));
            // A failed write leaves the file unusable until reopened, as closing it does.
            log.fileOf(new ChainId(TOPIC, PARTITION)).close();

            ChainLink next = log.append(TestEntries.entry(1, "r"));

            assertThat(next.previousHash()).isEqualTo(
                    HashChain.linkHash(TestEntries.GENESIS_HASH, TestEntries.entry(0, "r")));
            assertThat(log.verifyAll()).singleElement().matches(Verification::isValid);
        }
        assertThat(LogFiles.lines(path(TOPIC, PARTITION))).hasSize(2);
    }

    @Test
    void append_whenClosed() throws IOException {
        AuditLog log = AuditLog.open(directory);
        log.close();

        AuditEntry entry = TestEntries.entry(0, "r");
        assertThatThrownBy(() -> log.append(entry)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void replay_fromOffsetZero_writesByteIdenticalFiles() throws IOException {
        Path first = directory.resolve("first");
        Path second = directory.resolve("second");
        for (Path target : List.of(first, second)) {
            try (AuditLog log = AuditLog.open(target)) {
                for (AuditEntry entry : TestEntries.entries(0, 1, 2, 4, 7)) {
                    log.append(entry);
                }
            }
        }

        String name = AuditLogFile.fileName(TOPIC, PARTITION);
        assertThat(Files.readAllBytes(second.resolve(name))).isEqualTo(Files.readAllBytes(first.resolve(name)));
    }

    @Test
    void entries_returnsTheEntriesOfOneRequestAcrossChains() throws IOException {
        try (AuditLog log = filledLog()) {
            assertThat(log.entries("req-a")).extracting(e -> e.topic() + "-" + e.partition() + "@" + e.offset())
                    .containsExactly("lapse.access.denied-0@2", "lapse.access.granted-3@0",
                            "lapse.access.granted-3@5", "lapse.access.granted-4@0");
            assertThat(log.entries("nobody")).isEmpty();
        }
    }

    @Test
    void entries_whenFileTampered() throws IOException {
        try (AuditLog log = filledLog()) {
            LogFiles.deleteLine(path(TOPIC, 3), 0);

            assertThatThrownBy(() -> log.entries("req-a")).isInstanceOf(AuditLogCorruptedException.class);
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
