package dev.lapse.chaos;

import dev.lapse.embedded.PidFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lapse service as its own operating-system process: {@code java -cp <classpath> <main class> --...}, its output
 * appended to {@code logs/<name>.log} in the run directory across restarts. It can be killed with SIGKILL, as a
 * crash or an OOM killer would, and started again on the same port.
 *
 * <p>Each process carries {@code -Dlapse.chaos.owner=<run directory>} and is named in {@code pids/<name>.pid}, so a
 * harness that was itself killed leaves nothing the next run in the same directory does not end.
 */
final class ServiceProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceProcess.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    // Five JVMs share the machine with the broker and the load: small heaps and the quick compiler keep them lean.
    private static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k");

    private final String name;
    private final String mainClass;
    private final int port;
    private final List<String> arguments;
    private final String classpath;
    private final Path logFile;
    private final PidFile pidFile;
    private final String ownerMarker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private @Nullable Process process;
    private int starts;

    ServiceProcess(String name, String mainClass, int port, List<String> arguments, String classpath, Path runDir) {
        this.name = name;
        this.mainClass = mainClass;
        this.port = port;
        this.arguments = List.copyOf(arguments);
        this.classpath = classpath;
        this.logFile = runDir.resolve("logs").resolve(name + ".log");
        this.ownerMarker = ownerMarker(runDir);
        this.pidFile = pidFile(runDir, name);
    }

    /** The pid file of a service in a run directory, for ending what a killed harness left running. */
    static PidFile pidFile(Path runDir, String name) {
        return new PidFile(runDir.resolve("pids").resolve(name + ".pid"),
                List.of(Pattern.compile(Pattern.quote(ownerMarker(runDir)))));
    }

    private static String ownerMarker(Path runDir) {
        return "-Dlapse.chaos.owner=" + runDir.toAbsolutePath().normalize();
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the process; returns at once, see {@link #awaitHealthy}. */
    synchronized void start() {
        starts++;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add(ownerMarker);
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(arguments);
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "==== start " + starts + " of " + name + " at " + Instant.now() + " ====\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            pidFile.write(process.toHandle());
            log.info("Started {} (start {}, pid {}, port {})", name, starts, process.pid(), port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Kills the process with SIGKILL and waits until it is gone. */
    synchronized void kill() {
        Process running = process;
        if (running == null) {
            return;
        }
        running.destroyForcibly();
        try {
            running.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Killed {} (pid {}) with SIGKILL", name, running.pid());
    }

    /** Whether {@code /actuator/health} answers UP now. */
    boolean healthy() {
        return get("/actuator/health").map(body -> body.contains("\"UP\"")).orElse(false);
    }

    /** The body of a GET on this service, empty when it does not answer 200. */
    Optional<String> get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url() + path))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Polls health until UP; a child process gives no event to wait on.
     *
     * @return when health first answered UP, epoch ms
     * @throws IllegalStateException if the process exits or the deadline passes first
     */
    long awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (healthy()) {
                return System.currentTimeMillis();
            }
            Process running = process;
            if (running != null && !running.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + running.exitValue() + "; see " + logFile);
            }
            pause(Duration.ofMillis(20));
        }
        throw new IllegalStateException(name + " was not healthy within " + timeout.toSeconds() + " s; see " + logFile);
    }

    /** Stops the process (SIGTERM, then SIGKILL after a grace period) and removes its pid file. */
    @Override
    public synchronized void close() {
        Process running = process;
        if (running != null && running.isAlive()) {
            PidFile.stop(running.toHandle(), STOP_GRACE);
        }
        pidFile.delete();
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
