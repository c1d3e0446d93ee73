package dev.lapse.audit.log;

import dev.lapse.audit.chain.ChainLink;
import dev.lapse.audit.chain.TestEntries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Edits chain files the way an attacker, a crash or a careless operator would. */
final class LogFiles {

    private LogFiles() {}

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    static void editLine(Path file, int index, UnaryOperator<String> edit) throws IOException {
        List<String> lines = new ArrayList<>(lines(file));
        String edited = edit.apply(lines.get(index));
        if (edited.equals(lines.get(index))) {
            throw new IllegalArgumentException("the edit changed nothing");
        }
        lines.set(index, edited);
        write(file, lines);
    }

    static void deleteLine(Path file, int index) throws IOException {
        List<String> lines = new ArrayList<>(lines(file));
        lines.remove(index);
        write(file, lines);
    }

    static void appendBytes(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    /**
     * A log where partition 3 of lapse.access.granted holds offsets 0, 1, 5 and 9 (their links added to granted),
     * and partition 4 and partition 0 of lapse.access.denied one entry each.
     */
    static AuditLog filledLog(Path directory, List<ChainLink> granted) throws IOException {
        AuditLog log = AuditLog.open(directory);
        granted.add(log.append(TestEntries.entry(0, "req-a")));
        log.append(TestEntries.entry(TestEntries.TOPIC, 4, 0, "req-a"));
        granted.add(log.append(TestEntries.entry(1, "req-b")));
        log.append(TestEntries.entry("lapse.access.denied", 0, 2, "req-a"));
        granted.add(log.append(TestEntries.entry(5, "req-a")));
        granted.add(log.append(TestEntries.entry(9, "req-c")));
        return log;
    }

    private static void write(Path file, List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
