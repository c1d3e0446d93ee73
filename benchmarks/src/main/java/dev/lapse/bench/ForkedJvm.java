package dev.lapse.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A measurement made in a JVM of its own, so that nothing else (the run's broker, its services, an earlier
 * measurement) lives on the heap it measures or fills: this JVM's {@code java} and classpath, a {@code main} class of
 * the benchmarks, its standard output read back as lines. A child that hangs is killed after a timeout, so a section
 * always gets an answer.
 */
public final class ForkedJvm {

    /**
     * What a child printed, and why it did not end well if it did not.
     *
     * @param out its standard output, line by line (what it printed before failing included)
     * @param err its standard error, line by line
     * @param failure empty if it exited with 0; else that it could not start, was killed after the timeout, or
     *     exited with another status, with the first line of its standard error
     */
    public record Outcome(List<String> out, List<String> err, @Nullable String failure) {
        public Outcome {
            out = List.copyOf(out);
            err = List.copyOf(err);
        }
    }

    private ForkedJvm() {
    }

    /**
     * Runs {@code main} with {@code args} in a new JVM started with {@code jvmArgs}, and waits for it to end.
     *
     * @param what what the child is, for its thread names and its failure, for example {@code the heap probe}
     */
    public static Outcome run(String what, List<String> jvmArgs, Class<?> main, List<String> args,
            Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        Process child;
        try {
            child = new ProcessBuilder(command).start();
        } catch (IOException e) {
            return new Outcome(out, err, what + " could not start: " + e);
        }
        AtomicBoolean killed = new AtomicBoolean();
        Thread watchdog = new Thread(() -> {
            try {
                if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    killed.set(true);
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
            }
        }, "bench-fork-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        // Standard error is read on a thread of its own: a child that fills the pipe of the stream nobody reads
        // would block, and its first line is the failure's reason, so it cannot be mixed into standard output.
        Thread errors = new Thread(() -> {
            try {
                readLines(child.getErrorStream(), err);
            } catch (IOException e) {
                // What it read so far stands; the exit status still tells whether the child failed.
            }
        }, "bench-fork-stderr");
        errors.setDaemon(true);
        errors.start();
        try {
            readLines(child.getInputStream(), out);
            int exit = child.waitFor();
            errors.join(TimeUnit.SECONDS.toMillis(10));
            List<String> errLines;
            synchronized (err) {
                errLines = List.copyOf(err);
            }
            String firstErr = errLines.isEmpty() ? "nothing on its standard error" : errLines.get(0);
            String failure = killed.get()
                    ? what + " was killed after " + timeout.toSeconds() + " s: " + firstErr
                    : exit != 0 ? what + " exited with " + exit + ": " + firstErr : null;
            return new Outcome(out, errLines, failure);
        } catch (IOException e) {
            child.destroyForcibly();
            return new Outcome(out, List.of(), "could not read what " + what + " printed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroyForcibly();
            return new Outcome(out, List.of(), "interrupted while waiting for " + what);
        }
    }

    private static void readLines(InputStream stream, List<String> lines) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        }
    }
}
