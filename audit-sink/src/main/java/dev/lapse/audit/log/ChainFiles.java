package dev.lapse.audit.log;

import static java.nio.file.StandardOpenOption.READ;

import dev.lapse.audit.chain.CanonicalJson;
import dev.lapse.audit.chain.ChainId;
import dev.lapse.audit.chain.ChainLink;
import dev.lapse.audit.chain.ChainVerifier;
import dev.lapse.audit.chain.Verification;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** How chain files are named, listed, written line by line, read back through a verifier and recovered. */
final class ChainFiles {

    private static final Pattern NAME = Pattern.compile("(.+)-(0|[1-9][0-9]{0,9})\\.jsonl");
    private static final Set<String> LINE_MEMBERS = Set.of("entry", "hash", "prev");
    private static final String LINE_START = "{\"entry\":";
    private static final byte[] LINE_START_UTF8 = LINE_START.getBytes(StandardCharsets.US_ASCII);

    private ChainFiles() {}

    /** {@code <topic>-<partition>.jsonl}: safe because a legal topic name has no path separators. */
    static String fileName(ChainId id) {
        return id.topic() + "-" + id.partition() + ".jsonl";
    }

    /** The chain a file name names; empty for any other file, so files set aside under other names are left be. */
    static Optional<ChainId> chainOf(Path file) {
        Matcher name = NAME.matcher(String.valueOf(file.getFileName()));
        try {
            return name.matches()
                    ? Optional.of(new ChainId(name.group(1), Integer.parseInt(name.group(2))))
                    : Optional.empty();
        } catch (IllegalArgumentException e) { // a partition beyond int, or a topic Kafka would not allow
            return Optional.empty();
        }
    }

    /** Every chain with a file in the directory, in chain order. */
    static List<ChainId> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).map(ChainFiles::chainOf).flatMap(Optional::stream)
                    .sorted().toList();
        }
    }

    /**
     * The line of a link, without its newline: canonical JSON with members {@code entry}, {@code hash} and
     * {@code prev}. Joining the parts is canonical as it is, since the members come in order and hex needs no escape.
     */
    static String line(ChainLink link) {
        return LINE_START + CanonicalJson.entry(link.entry()) + lineEnd(link);
    }

    /**
     * {@link #line} and its newline as UTF-8, in three buffers for one gathering write: the entry's bytes are the
     * very ones its hash was computed over, so the line is never encoded a second time.
     */
    static ByteBuffer[] lineUtf8(ChainLink link) {
        return new ByteBuffer[] {ByteBuffer.wrap(LINE_START_UTF8).asReadOnlyBuffer(),
                CanonicalJson.entryUtf8(link.entry()),
                ByteBuffer.wrap((lineEnd(link) + "\n").getBytes(StandardCharsets.US_ASCII))};
    }

    // Hashes are hex digits, so the end of a line is ASCII.
    private static String lineEnd(ChainLink link) {
        return ",\"hash\":\"" + link.hash() + "\",\"prev\":\"" + link.previousHash() + "\"}";
    }

    /** The link a line holds; whether it was written canonically is for the caller to check. */
    static ChainLink parse(String line) {
        if (!(CanonicalJson.parse(line) instanceof Map<?, ?> members) || !members.keySet().equals(LINE_MEMBERS)) {
            throw new IllegalArgumentException("a line is an object with exactly the members entry, hash and prev");
        }
        if (!(members.get("entry") instanceof Map<?, ?> entry)) {
            throw new IllegalArgumentException("entry must be a JSON object");
        }
        if (!(members.get("prev") instanceof String prev) || !(members.get("hash") instanceof String hash)) {
            throw new IllegalArgumentException("hash and prev must be strings");
        }
        return new ChainLink(CanonicalJson.toEntry(entry), prev, hash);
    }

    /**
     * Reads a chain file from its start and verifies it, handing each verified link on. A line that cannot be read,
     * or was not written canonically, breaks the chain there: the file must hold exactly what was written.
     */
    static Verification replay(Path file, ChainId id, Consumer<ChainLink> verified) throws IOException {
        ChainVerifier verifier = new ChainVerifier(id.topic(), id.partition());
        long number = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String text = reader.readLine(); text != null && !verifier.isBroken(); text = reader.readLine()) {
                number++;
                ChainLink link;
                try {
                    link = parse(text);
                } catch (IllegalArgumentException e) {
                    verifier.fail(Verification.Broken.UNKNOWN_OFFSET,
                            "line " + number + " cannot be read: " + e.getMessage());
                    break;
                }
                if (!line(link).equals(text)) {
                    verifier.fail(link.entry().offset(), "line " + number + " is not in canonical form");
                } else if (verifier.accept(link)) {
                    verified.accept(link);
                }
            }
        } catch (CharacterCodingException e) { // reading runs ahead of the lines, so only roughly where
            verifier.fail(Verification.Broken.UNKNOWN_OFFSET, "the file is not UTF-8 after line " + number);
        }
        return verifier.result();
    }

    /** Cuts off whatever follows the last newline, the rest of a write that never finished; returns how much. */
    static long truncateTornLine(FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        long keep = 0;
        for (long end = size; end > 0 && keep == 0; end -= buffer.limit()) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end));
            long start = end - buffer.limit();
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, start + buffer.position()) < 0) {
                    throw new EOFException("the file shrank while being opened");
                }
            }
            for (int i = buffer.limit() - 1; i >= 0 && keep == 0; i--) {
                keep = buffer.get(i) == '\n' ? start + i + 1 : 0;
            }
        }
        if (keep < size) {
            channel.truncate(keep);
            channel.force(false);
        }
        return size - keep;
    }

    // A new file's name lives in its directory, which must reach the disk as well or a crash can lose the whole file.
    // Windows refuses to open a directory, but its file systems journal names themselves.
    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel handle = FileChannel.open(directory, READ)) {
            handle.force(true);
        } catch (AccessDeniedException e) {
            return;
        }
    }
}
