package dev.lapse.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file naming a child process Lapse started and the process that started it, so that a later start can end the
 * child when its parent died without stopping it ({@code kill -9}, a crash): shutdown hooks do not run then, and
 * the orphan would keep its port and its files.
 *
 * <p>A process is ended only if its arguments still match the {@code signature} (patterns that each match one
 * whole argument, such as the marker {@code -Dlapse.registry.owner=<data directory>}): a pid the system has since
 * given to another program is left alone. A child whose parent is still alive and still its parent is not stale: it
 * belongs to a running Lapse, and {@link #endStale} refuses rather than pull it from under that Lapse.
 *
 * <p>The file holds two lines, {@code pid=<child>} and {@code parent=<parent>}.
 */
public final class PidFile {

    private static final Logger log = LoggerFactory.getLogger(PidFile.class);

    private final Path path;
    private final List<Pattern> signature;

    /**
     * @param path      where the file lives, typically in the data directory of the child
     * @param signature patterns that each match a whole argument of a process this file may end
     */
    public PidFile(Path path, List<Pattern> signature) {
        this.path = path;
        this.signature = List.copyOf(signature);
    }

    public Path path() {
        return path;
    }

    /**
     * Ends the process the file names if it is alive, carries the signature and was orphaned, then removes the file.
     * Waits {@code grace} for it to stop on SIGTERM, then kills it.
     *
     * @return the pid of the process that was ended, empty when there was none to end
     * @throws IllegalStateException if the process still has its live parent (another Lapse is running), or will
     *                               not stop
     */
    public OptionalLong endStale(Duration grace) {
        Optional<Recorded> recorded = read();
        if (recorded.isEmpty()) {
            return OptionalLong.empty();
        }
        Optional<ProcessHandle> child = ProcessHandle.of(recorded.get().pid())
                .filter(ProcessHandle::isAlive)
                .filter(this::carriesSignature);
        if (child.isEmpty()) {
            delete();
            return OptionalLong.empty();
        }
        ProcessHandle process = child.get();
        long parent = process.parent().map(ProcessHandle::pid).orElse(-1L);
        if (parent == recorded.get().parent() && ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IllegalStateException("process " + process.pid() + " (named in " + path + ") belongs to a"
                    + " running process " + parent + "; stop that one first");
        }
        log.warn("Ending process {} left running by a previous run (named in {})", process.pid(), path);
        stop(process, grace);
        delete();
        return OptionalLong.of(process.pid());
    }

    /** Records a child process and its parent, this JVM. */
    public void write(ProcessHandle child) {
        String text = "pid=" + child.pid() + "\nparent=" + ProcessHandle.current().pid() + "\n";
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path next = path.resolveSibling(path.getFileName() + ".next");
            Files.writeString(next, text, StandardCharsets.UTF_8);
            // A reader sees the old file or the whole new one, never half of it.
            Files.move(next, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pid file " + path, e);
        }
    }

    /** Removes the file, if it exists. */
    public void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("Cannot remove the pid file {}: {}", path, e.getMessage());
        }
    }

    /** Whether each pattern of this file's signature matches one of a process's arguments. */
    public boolean carriesSignature(ProcessHandle process) {
        Optional<String[]> arguments = process.info().arguments();
        return arguments.isPresent() && signature.stream().allMatch(pattern ->
                Arrays.stream(arguments.get()).anyMatch(argument -> pattern.matcher(argument).matches()));
    }

    /** Stops a process: SIGTERM, then SIGKILL after {@code grace}. */
    public static void stop(ProcessHandle process, Duration grace) {
        process.destroy();
        if (awaitExit(process, grace)) {
            return;
        }
        process.destroyForcibly();
        if (!awaitExit(process, Duration.ofSeconds(10))) {
            throw new IllegalStateException("process " + process.pid() + " did not stop, even on SIGKILL");
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private Optional<Recorded> read() {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try {
            long pid = -1;
            long parent = -1;
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                if (line.startsWith("pid=")) {
                    pid = Long.parseLong(line.substring(4).trim());
                } else if (line.startsWith("parent=")) {
                    parent = Long.parseLong(line.substring(7).trim());
                }
            }
            return pid > 0 ? Optional.of(new Recorded(pid, parent)) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            log.warn("Ignoring the unreadable pid file {}: {}", path, e.getMessage());
            return Optional.empty();
        }
    }

    private record Recorded(long pid, long parent) {
    }
}
