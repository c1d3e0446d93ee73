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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogFileTest {

    @TempDir
    Path directory;

    @Test
    void fileName_isTopicDashPartition() {
        assertThat(AuditLogFile.fileName(TOPIC, 3)).isEqualTo("lapse.access.granted-3.jsonl");
        assertThat(ChainFiles.chainOf(Path.of("lapse.access.granted-3.jsonl")))
                .contains(new ChainId(TOPIC, 3));
        assertThat(ChainFiles.chainOf(Path.of("my-topic-12.jsonl"))).contains(new ChainId("my-topic", 12));
    }

    @Test
    void append_writesOneCanonicalLinePerLink() throws IOException {
        try (AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION)) {
            file.append(TestEntries.golden());
        }

        assertThat(Files.readString(directory.resolve("lapse.access.granted-3.jsonl"), StandardCharsets.UTF_8))
                .isEqualTo("{\"entry\":" + TestEntries.resource("golden-entry.canonical.json")
                        + ",\"hash\":\"" + TestEntries.GOLDEN_LINK_HASH
                        + "\",\"prev\":\"" + TestEntries.GENESIS_HASH + "\"}\n");
    }

    @Test
    void append_writesTheLineAsItsTextInUtf8_beyondAscii() throws IOException {
        AuditEntry entry = new AuditEntry(TOPIC, PARTITION, 0, 1001, TestEntries.text("r\u00e9q-\ud83d\ude00"),
                List.of(), 7, "AccessGranted", "\u00e9vt-1", "r\u00e9q-\ud83d\ude00",
                "{\"note\":\"caf\u00e9 \\\"\u2603\\\" \ud83d\ude00\"}");
        ChainLink link;
        try (AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION)) {
            link = file.append(entry);
        }

        assertThat(Files.readAllBytes(directory.resolve(AuditLogFile.fileName(TOPIC, PARTITION))))
                .isEqualTo((ChainFiles.line(link) + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(link.hash()).isEqualTo(HashChain.linkHash(TestEntries.GENESIS_HASH, entry));
        assertThat(verify(directory.resolve(AuditLogFile.fileName(TOPIC, PARTITION))).isValid()).isTrue();
    }

    @Test
    void open_whenRestarted_continuesTheChain() throws IOException {
        List<ChainLink> written = new ArrayList<>();
        try (AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION)) {
            written.add(file.append(TestEntries.entry(0, "r")));
            written.add(file.append(TestEntries.entry(3, "r")));
            file.sync();
        }

        try (AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION)) {
            assertThat(file.headHash()).isEqualTo(written.get(1).hash());
            assertThat(file.lastOffset()).isEqualTo(OptionalLong.of(3));
            assertThat(file.truncatedBytes()).isZero();
            written.add(file.append(TestEntries.entry(4, "r")));
        }

        HashChain uninterrupted = HashChain.genesis(TOPIC, PARTITION);
        assertThat(LongStream.of(0, 3, 4).mapToObj(offset -> uninterrupted.append(TestEntries.entry(offset, "r"))))
                .containsExactlyElementsOf(written);
        assertThat(verify(directory.resolve(AuditLogFile.fileName(TOPIC, PARTITION))))
                .isEqualTo(new Verification.Valid(TOPIC, PARTITION, 3, uninterrupted.headHash()));
    }

    @Test
    void open_whenLastLineIsTorn_cutsItOff() throws IOException {
        ChainLink head;
        try (AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION)) {
            file.append(TestEntries.entry(0, "r"));
            head = file.append(TestEntries.entry(1, "r"));
        }
        Path path = directory.resolve(AuditLogFile.fileName(TOPIC, PARTITION));
        String whole = ChainFiles.line(HashChain.resume(head).next(TestEntries.entry(2, "r")));
        byte[] torn = whole.substring(0, whole.length() / 2).getBytes(StandardCharsets.UTF_8);
        LogFiles.appendBytes(path, torn);

        try (AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION)) {
            assertThat(file.truncatedBytes()).isEqualTo(torn.length);
            assertThat(file.headHash()).isEqualTo(head.hash());
            file.append(TestEntries.entry(2, "r")); // the redelivery of the record whose write was torn
        }

        assertThat(LogFiles.lines(path)).hasSize(3).last().isEqualTo(whole);
        assertThat(verify(path).isValid()).isTrue();
    }

    @Test
    void open_whenOnlyATornLine_startsFromGenesis() throws IOException {
        Path path = directory.resolve(AuditLogFile.fileName(TOPIC, PARTITION));
        Files.writeString(path, "{\"entry\":{\"eventId\":\"ev");

        try (AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION)) {
            assertThat(file.truncatedBytes()).isEqualTo(23);
            assertThat(file.headHash()).isEqualTo(TestEntries.GENESIS_HASH);
            assertThat(file.lastOffset()).isEmpty();
        }
        assertThat(Files.size(path)).isZero();
    }

    @Test
    void open_whenFileTampered() throws IOException {
        try (AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION)) {
            file.append(TestEntries.entry(0, "r"));
            file.append(TestEntries.entry(1, "r"));
        }
        Path path = directory.resolve(AuditLogFile.fileName(TOPIC, PARTITION));
        LogFiles.editLine(path, 1, line -> line.replace("\"email\"", "\"phone\""));

        assertThatThrownBy(() -> AuditLogFile.open(directory, TOPIC, PARTITION))
                .isInstanceOfSatisfying(AuditLogCorruptedException.class,
                        e -> assertThat(e.broken().offset()).isEqualTo(1))
                .hasMessageContaining("does not verify at offset 1")
                .hasMessageContaining("hash expected");
        // Refusing must not have left the file locked.
        Files.move(path, path.resolveSibling("lapse.access.granted-3.jsonl.tampered"));
        AuditLogFile.open(directory, TOPIC, PARTITION).close();
    }

    @Test
    void append_whenRedelivered_writesNothing() throws IOException {
        try (AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION)) {
            file.append(TestEntries.entry(0, "r"));

            assertThatThrownBy(() -> file.append(TestEntries.entry(0, "r")))
                    .isInstanceOf(DuplicateEntryException.class);
            assertThatThrownBy(() -> file.append(TestEntries.entry(0, "other")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(LogFiles.lines(directory.resolve(AuditLogFile.fileName(TOPIC, PARTITION)))).hasSize(1);
    }

    @Test
    void append_acceptsALinkComputedElsewhere() throws IOException {
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);
        ChainLink first = chain.append(TestEntries.entry(0, "r"));
        ChainLink second = chain.append(TestEntries.entry(1, "r"));

        try (AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION)) {
            assertThatThrownBy(() -> file.append(second)).hasMessageContaining("previous hash expected");
            file.append(first);
            file.append(second);
            assertThat(file.headHash()).isEqualTo(chain.headHash());
        }
        assertThat(LogFiles.lines(directory.resolve(AuditLogFile.fileName(TOPIC, PARTITION)))).hasSize(2);
    }

    @Test
    void append_whenClosed() throws IOException {
        AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION);
        file.close();

        AuditEntry entry = TestEntries.entry(0, "r");
        assertThatThrownBy(() -> file.append(entry))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("cannot be used: it was closed");
    }

    @Test
    void open_whenAlreadyOpen() throws IOException {
        try (AuditLogFile file = AuditLogFile.open(directory, TOPIC, PARTITION)) {
            file.append(TestEntries.entry(0, "r"));
            file.sync();

            assertThatThrownBy(() -> AuditLogFile.open(directory, TOPIC, PARTITION))
                    .isInstanceOf(IOException.class)
                    .hasMessageEndingWith("is already open in this process");
        }
    }

    private static Verification verify(Path path) throws IOException {
        ChainId id = ChainFiles.chainOf(path).orElseThrow();
        return ChainFiles.replay(path, id, link -> { });
    }
}
