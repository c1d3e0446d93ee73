package dev.lapse.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry (the runnable distribution from Maven Central) started as a child process on loopback,
 * serving the Confluent-compatible API at {@code /apis/ccompat/v7} with BACKWARD compatibility enforced, as a
 * Confluent registry does by default. With a data directory its storage is a file H2 database, so schema ids
 * survive a restart; without one it keeps schemas in memory, which suits tests.
 *
 * <p>With a data directory the process also leaves a {@link PidFile} there ({@value #PID_FILE}) and carries the
 * marker {@code -Dlapse.registry.owner=<data directory>}: if its parent is killed (its shutdown hook does not run
 * then) the next start with the same directory finds the orphan and ends it before starting afresh.
 */
public final class SchemaRegistryProcess implements AutoCloseable {

    /** System property, then environment variable, naming the unpacked distribution's directory. */
    public static final String HOME_PROPERTY = "lapse.registry.home";
    public static final String HOME_VARIABLE = "LAPSE_REGISTRY_HOME";

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryProcess.class);
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    /** The pid file's name in the data directory. */
    public static final String PID_FILE = "registry.pid";
    private static final String OWNER_PROPERTY = "lapse.registry.owner";

    private final Process process;
    private final String baseUrl;
    private final Path logFile;
    private final @Nullable PidFile pidFile;
    private final Thread shutdownHook;
    private volatile boolean paused;

    private SchemaRegistryProcess(Process process, String baseUrl, Path logFile, @Nullable PidFile pidFile) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.logFile = logFile;
        this.pidFile = pidFile;
        // A registry must never outlive its parent, whatever way the parent ends.
        this.shutdownHook = new Thread(this::stopProcess, "lapse-registry-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts the registry and waits until its Confluent API answers.
     *
     * @param home the unpacked Apicurio distribution (holding {@code apicurio-registry-app-*-runner.jar})
     * @param port the HTTP port on 127.0.0.1, or 0 for any free port
     * @param dataDir where the H2 database lives, or null to keep schemas in memory only; a registry left running
     *                there by a parent that was killed is ended first
     * @throws IllegalStateException if a registry started by a process that is still running uses {@code dataDir}
     */
    public static SchemaRegistryProcess start(Path home, int port, @Nullable Path dataDir) {
        Path runner = runnerJar(home);
        @Nullable PidFile pidFile = dataDir == null ? null : pidFile(dataDir);
        if (pidFile != null) {
            pidFile.endStale(STOP_GRACE);
        }
        // Whatever already answers on the port would pass the readiness probe for the registry started here.
        if (port != 0 && !Ports.isFree(InetAddress.getLoopbackAddress(), port)) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1, needed by the schema registry, is in use"
                    + " by another process");
        }
        int httpPort = port == 0 ? KafkaBroker.freePort() : port;
        try {
            Path logDir = dataDir != null ? dataDir : Files.createTempDirectory("lapse-registry-");
            Files.createDirectories(logDir);
            Path logFile = logDir.resolve("registry.log");
            List<String> command = new ArrayList<>(List.of(
                    javaExecutable(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + httpPort,
                    "-Dquarkus.log.console.enable=true",
                    // Confluent's registry enforces BACKWARD by default; Apicurio's default is NONE.
                    "-Dapicurio.rules.global.compatibility=BACKWARD",
                    // A whitespace variant of a registered schema must get the same id, as with Confluent.
                    "-Dapicurio.ccompat.use-canonical-hash=true"));
            if (dataDir != null) {
                command.add("-Dapicurio.datasource.url=jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("registry"));
                command.add(ownerMarker(dataDir));
            }
            command.addAll(List.of("-jar", runner.toString()));
            Process process = new ProcessBuilder(command)
                    .directory(runner.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            if (pidFile != null) {
                pidFile.write(process.toHandle());
            }
            SchemaRegistryProcess registry =
                    new SchemaRegistryProcess(process, "http://127.0.0.1:" + httpPort, logFile, pidFile);
            registry.awaitReady();
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the schema registry from " + runner, e);
        }
    }

    /**
     * Ends a registry that a killed parent left running with this data directory, if there is one, so its port is
     * free again; {@link #start} does the same.
     *
     * @return the pid of the registry that was ended, empty when there was none
     * @throws IllegalStateException if the registry there belongs to a process that is still running
     */
    public static OptionalLong endStale(Path dataDir) {
        return pidFile(dataDir).endStale(STOP_GRACE);
    }

    /** The pid of the registry process. */
    public long pid() {
        return process.pid();
    }

    /** Starts an in-memory registry on a free port from the distribution named by {@value #HOME_PROPERTY}. */
    public static SchemaRegistryProcess startTemporary() {
        return start(homeFromEnvironment().orElseThrow(() -> new IllegalStateException(
                "the Apicurio distribution was not found: set -D" + HOME_PROPERTY + " or " + HOME_VARIABLE
                        + " to its directory (the build unpacks it to embedded/target/apicurio)")), 0, null);
    }

    /** The distribution's directory from {@value #HOME_PROPERTY} or {@value #HOME_VARIABLE}, if it exists. */
    public static Optional<Path> homeFromEnvironment() {
        String home = System.getProperty(HOME_PROPERTY, System.getenv(HOME_VARIABLE));
        return Optional.ofNullable(home).map(Path::of).filter(Files::isDirectory);
    }

    /** The URL Confluent-API clients use, for {@code schema.registry.url}. */
    public String confluentApiUrl() {
        return baseUrl + CCOMPAT_PATH;
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * Freezes the registry (SIGSTOP), for outage tests: its port stays open and accepts connections, but nothing
     * answers, as with a hung server, so clients see timeouts rather than a refused connection.
     */
    public synchronized void pause() {
        signal("STOP");
        paused = true;
        log.info("Schema registry on {} paused", baseUrl);
    }

    /** Lets a paused registry run again (SIGCONT); it answers at once, with every schema it had. */
    public synchronized void resume() {
        signal("CONT");
        paused = false;
        log.info("Schema registry on {} resumed", baseUrl);
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal the schema registry (pid " + process.pid() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling the schema registry", e);
        }
    }

    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; the process is stopped either way.
        }
    }

    private void stopProcess() {
        if (process.isAlive()) {
            if (paused) {
                // A stopped process holds SIGTERM until it runs again; let it run so it can shut down cleanly.
                signal("CONT");
                paused = false;
            }
            PidFile.stop(process.toHandle(), STOP_GRACE);
            log.info("Schema registry on {} stopped", baseUrl);
        }
        // A clean stop leaves nothing for the next start to end.
        if (pidFile != null) {
            pidFile.delete();
        }
    }

    private static PidFile pidFile(Path dataDir) {
        return new PidFile(dataDir.resolve(PID_FILE), List.of(Pattern.compile(".*apicurio-registry-app-.*-runner\\.jar"),
                Pattern.compile(Pattern.quote(ownerMarker(dataDir)))));
    }

    private static String ownerMarker(Path dataDir) {
        return "-D" + OWNER_PROPERTY + "=" + dataDir.toAbsolutePath().normalize();
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the schema registry exited with code " + process.exitValue()
                        + " before it was ready; last lines of " + logFile + ":\n" + tail());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    log.info("Schema registry (Apicurio, Confluent API) ready at {}", confluentApiUrl());
                    return;
                }
            } catch (IOException notYetListening) {
                // Expected while Quarkus starts.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
            try {
                // Polling a child process we do not own: there is no event to wait on.
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
        }
        close();
        throw new IllegalStateException("the schema registry was not ready within " + START_TIMEOUT.toSeconds()
                + " s; last lines of " + logFile + ":\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static Path runnerJar(Path home) {
        try (Stream<Path> files = Files.walk(home, 3)) {
            return files.filter(path -> path.getFileName().toString().matches("apicurio-registry-app-.*-runner\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no apicurio-registry-app-*-runner.jar under " + home
                            + ": run the build once (./mvnw install) so it unpacks the registry"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + home, e);
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
