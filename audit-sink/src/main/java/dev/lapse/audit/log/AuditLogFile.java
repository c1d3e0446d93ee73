package dev.lapse.audit.log;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.ChainId;
import dev.lapse.audit.chain.ChainLink;
import dev.lapse.audit.chain.HashChain;
import dev.lapse.audit.chain.Verification;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The append-only file of one chain: {@code <topic>-<partition>.jsonl} in a directory, such as
 * {@code lapse.access.granted-3.jsonl}, one link per line as canonical JSON,
 * {@code {"entry":{...},"hash":"...","prev":"..."}}, each line ended by a newline.
 *
 * <p>Durability: {@link #append} hands the whole line to the operating system in one write before it returns, so the
 * line survives the process dying; {@link #sync()} forces it to the disk, so it survives the machine going down.
 * Acknowledge records to Kafka only after {@code sync()}.
 *
 * <p>Recovery: a crash during a write can leave a partial last line. It lacks its newline, and its append never
 * returned, so its record was never acknowledged and Kafka delivers it again. {@link #open} therefore cuts off
 * whatever follows the last newline ({@link #truncatedBytes()} says how much), then replays the file through a
 * {@link dev.lapse.audit.chain.ChainVerifier} to restore the head, so appends continue the chain after a restart. A
 * file that does not verify is refused with {@link AuditLogCorruptedException}: new links on a broken chain would
 * vouch for history nobody can trust. Move such a file aside (any other name) to start its chain afresh.
 *
 * <p>After a failed write the file may end in a partial line, so it refuses further appends until reopened. The file
 * is locked while open, so a second writer is refused. Thread-safe.
 */
public final class AuditLogFile implements Closeable {

    private final ChainId id;
    private final Path path;
    private final FileChannel channel;
    private final HashChain chain;
    private final long truncatedBytes;
    private boolean directoryUnsynced;
    private @Nullable String unusable;

    private AuditLogFile(ChainId id, Path path, FileChannel channel, HashChain chain, long truncated, boolean created) {
        this.id = id;
        this.path = path;
        this.channel = channel;
        this.chain = chain;
        this.truncatedBytes = truncated;
        this.directoryUnsynced = created;
    }

    /**
     * Opens the chain file of a topic-partition in a directory, creating both as needed, and restores its head.
     *
     * @throws AuditLogCorruptedException if the file does not verify
     */
    public static AuditLogFile open(Path directory, String topic, int partition) throws IOException {
        ChainId id = new ChainId(topic, partition);
        Files.createDirectories(directory);
        Path path = directory.resolve(fileName(topic, partition));
        boolean created = !Files.exists(path);
        FileChannel channel = FileChannel.open(path, CREATE, READ, WRITE);
        try {
            lock(channel, path);
            long truncated = ChainFiles.truncateTornLine(channel);
            AtomicReference<@Nullable ChainLink> last = new AtomicReference<>();
            if (ChainFiles.replay(path, id, last::set) instanceof Verification.Broken broken) {
                throw new AuditLogCorruptedException(path, broken);
            }
            ChainLink head = last.get();
            HashChain chain = head == null ? HashChain.genesis(topic, partition) : HashChain.resume(head);
            channel.position(channel.size());
            return new AuditLogFile(id, path, channel, chain, truncated, created);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The name of a topic-partition's chain file, such as {@code lapse.access.granted-3.jsonl}. */
    public static String fileName(String topic, int partition) {
        return ChainFiles.fileName(new ChainId(topic, partition));
    }

    /** Appends an entry as the next link and returns the link; refuses what {@link HashChain#next} refuses. */
    public synchronized ChainLink append(AuditEntry entry) throws IOException {
        requireUsable();
        ChainLink link = chain.append(entry);
        write(link);
        return link;
    }

    /** Appends a link computed elsewhere; it must be exactly the next link of this file's chain. */
    public synchronized void append(ChainLink link) throws IOException {
        requireUsable();
        chain.advance(link);
        write(link);
    }

    /** Forces every appended line to the disk. */
    public synchronized void sync() throws IOException {
        requireUsable();
        channel.force(false); // the content, and the size needed to read it back; timestamps need not be durable
        if (directoryUnsynced) {
            ChainFiles.forceDirectory(path.toAbsolutePath().getParent());
            directoryUnsynced = false;
        }
    }

    public ChainId id() {
        return id;
    }

    public Path path() {
        return path;
    }

    /** Hash of the last link, or the chain's genesis hash while the file holds none. */
    public synchronized String headHash() {
        return chain.headHash();
    }

    /** Offset of the last link, empty while the file holds none. */
    public synchronized OptionalLong lastOffset() {
        return chain.lastOffset();
    }

    /** False once closed or after a failed write; such a file must be reopened to be appended to. */
    synchronized boolean isUsable() {
        return unusable == null;
    }

    /** How many bytes of a torn last line opening cut off; 0 when the file ended cleanly. */
    public long truncatedBytes() {
        return truncatedBytes;
    }

    @Override
    public synchronized void close() throws IOException {
        unusable = "it was closed";
        channel.close();
    }

    private void write(ChainLink link) throws IOException {
        ByteBuffer[] line = ChainFiles.lineUtf8(link);
        try {
            while (line[line.length - 1].hasRemaining()) {
                channel.write(line);
            }
        } catch (IOException | RuntimeException e) {
            unusable = "a write failed and may have left a partial line; reopen it to recover (" + e + ")";
            throw e;
        }
    }

    private void requireUsable() {
        if (unusable != null) {
            throw new IllegalStateException(path + " cannot be used: " + unusable);
        }
    }

    // Locks one byte far past the data: that keeps a second writer out, yet on Windows, where locks are mandatory,
    // still lets the file be read for verification.
    private static void lock(FileChannel channel, Path path) throws IOException {
        try {
            if (channel.tryLock(Long.MAX_VALUE - 1, 1, false) == null) {
                throw new IOException(path + " is open in another process");
            }
        } catch (OverlappingFileLockException e) {
            throw new IOException(path + " is already open in this process", e);
        }
    }
}
