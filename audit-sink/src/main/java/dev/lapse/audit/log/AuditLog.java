package dev.lapse.audit.log;

import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.ChainId;
import dev.lapse.audit.chain.ChainLink;
import dev.lapse.audit.chain.Verification;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The audit log in one directory: a chain file ({@link AuditLogFile}) per Kafka topic-partition, created when the
 * partition's first entry arrives and reopened, head restored, whenever the log is opened again.
 *
 * <p>A chain shows changes to what it holds, but not links cut off its end, nor a whole file rewritten with fresh
 * hashes: only a head kept elsewhere shows those. Record {@link #heads()} somewhere the sink cannot rewrite;
 * {@link #verifyAll()} checks the files against the heads this instance appended. Thread-safe.
 */
public final class AuditLog implements Closeable {

    private final Path directory;
    private final Map<ChainId, AuditLogFile> files = new TreeMap<>();
    private boolean closed;

    private AuditLog(Path directory) {
        this.directory = directory;
    }

    /**
     * Opens the log in a directory, creating it as needed, and every chain file already in it.
     *
     * @throws AuditLogCorruptedException if a chain file does not verify
     */
    public static AuditLog open(Path directory) throws IOException {
        Files.createDirectories(directory);
        AuditLog log = new AuditLog(directory);
        try {
            for (ChainId id : ChainFiles.list(directory)) {
                log.files.put(id, AuditLogFile.open(directory, id.topic(), id.partition()));
            }
        } catch (IOException | RuntimeException e) {
            try {
                log.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return log;
    }

    public Path directory() {
        return directory;
    }

    /**
     * Appends an entry to the chain of its topic-partition.
     *
     * @throws dev.lapse.audit.chain.DuplicateEntryException if the entry repeats its chain's head: skip it
     * @throws IllegalArgumentException if the entry's offset does not come after its chain's head
     * @throws IOException if the disk fails; the next append of that chain reopens its file and may be retried
     */
    public synchronized ChainLink append(AuditEntry entry) throws IOException {
        if (closed) {
            throw new IllegalStateException("the audit log in " + directory + " is closed");
        }
        AuditLogFile file = files.get(entry.chainId());
        if (file != null && !file.isUsable()) {
            // A write failed (a full or failing disk) and may have left a partial line. Reopening cuts it off and
            // replays the file, so a retry of the same record continues the chain exactly where it stood.
            files.remove(entry.chainId());
            file.close();
            file = null;
        }
        if (file == null) {
            file = AuditLogFile.open(directory, entry.topic(), entry.partition());
            files.put(entry.chainId(), file);
        }
        return file.append(entry);
    }

    /** Forces every chain file to the disk; acknowledge records to Kafka after this returns. */
    public synchronized void sync() throws IOException {
        for (AuditLogFile file : files.values()) {
            file.sync();
        }
    }

    /** The offset of the last entry of a chain, empty when the chain has none: a consumer resumes after it. */
    public synchronized OptionalLong lastOffset(ChainId chain) {
        AuditLogFile file = files.get(chain);
        return file == null ? OptionalLong.empty() : file.lastOffset();
    }

    // only for testing
    synchronized AuditLogFile fileOf(ChainId chain) {
        return files.get(chain);
    }

    /** The head hash of every chain, in chain order. */
    public synchronized SortedMap<ChainId, String> heads() {
        SortedMap<ChainId, String> heads = new TreeMap<>();
        files.forEach((id, file) -> heads.put(id, file.headHash()));
        return Collections.unmodifiableSortedMap(heads);
    }

    /**
     * Reads every chain file in the directory again and verifies it from its genesis, in chain order. A chain this
     * instance appended to must also end at the head it appended, and its file must still exist.
     */
    public synchronized List<Verification> verifyAll() throws IOException {
        Set<ChainId> chains = new TreeSet<>(ChainFiles.list(directory));
        chains.addAll(files.keySet());
        List<Verification> results = new ArrayList<>();
        for (ChainId id : chains) {
            Path path = directory.resolve(ChainFiles.fileName(id));
            AuditLogFile file = files.get(id);
            if (!Files.exists(path)) {
                results.add(new Verification.Broken(id.topic(), id.partition(), Verification.Broken.UNKNOWN_OFFSET,
                        "the file " + path.getFileName() + " is missing"));
            } else {
                Verification result = ChainFiles.replay(path, id, link -> { });
                results.add(file == null ? result : againstHead(result, file));
            }
        }
        return List.copyOf(results);
    }

    /**
     * The entries of one access request, read from the files and verified, in chain order and then offset order.
     *
     * @throws AuditLogCorruptedException if a chain file does not verify
     */
    public synchronized List<AuditEntry> entries(String requestId) throws IOException {
        List<AuditEntry> found = new ArrayList<>();
        for (ChainId id : ChainFiles.list(directory)) {
            Path path = directory.resolve(ChainFiles.fileName(id));
            Verification result = ChainFiles.replay(path, id, link -> {
                if (requestId.equals(link.entry().requestId())) {
                    found.add(link.entry());
                }
            });
            if (result instanceof Verification.Broken broken) {
                throw new AuditLogCorruptedException(path, broken);
            }
        }
        return List.copyOf(found);
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        IOException failure = null;
        for (AuditLogFile file : files.values()) {
            try {
                file.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        files.clear();
        if (failure != null) {
            throw failure;
        }
    }

    // The file alone cannot show links cut off its end (or added to it); the head this instance appended can.
    private static Verification againstHead(Verification result, AuditLogFile file) {
        if (!(result instanceof Verification.Valid valid) || valid.headHash().equals(file.headHash())) {
            return result;
        }
        return new Verification.Broken(valid.topic(), valid.partition(),
                file.lastOffset().orElse(Verification.Broken.UNKNOWN_OFFSET),
                String.format("the file ends after %d links, not at the head this log appended (links were cut off "
                        + "or added at the end): head expected %s, found %s",
                        valid.entries(), file.headHash(), valid.headHash()));
    }
}
