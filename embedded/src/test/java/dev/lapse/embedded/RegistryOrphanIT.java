package dev.lapse.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a launcher leaves its registry child running (its shutdown hook never runs). The next start with
 * the same data directory must end that orphan and serve from a fresh process, not silently use the orphan.
 */
class RegistryOrphanIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path temp;

    @Test
    void aRegistryOrphanedByAKilledLauncher_isEndedAtTheNextStart() throws Exception {
        Path home = SchemaRegistryProcess.homeFromEnvironment().orElseThrow();
        Path data = temp.resolve("registry");
        int port = Ports.freeLoopbackPort();

        // given: a launcher JVM that started a registry, killed with SIGKILL
        Path launcherLog = temp.resolve("launcher.log");
        Process launcher = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RegistryLauncher.class.getName(),
                home.toString(), Integer.toString(port), data.toString())
                .redirectErrorStream(true).redirectOutput(launcherLog.toFile()).start();
        try {
            awaitLine(launcherLog, "ready ", launcher);
        } finally {
            launcher.destroyForcibly().waitFor();
        }
        long orphanPid = recordedPid(data);
        assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).as("the orphaned registry")
                .contains(true);
        assertThat(get(port)).as("the orphan still answers").isEqualTo(200);

        // when: the next start with the same data directory
        try (SchemaRegistryProcess fresh = SchemaRegistryProcess.start(home, port, data)) {

            // then: the orphan was ended, and a fresh registry serves on the same port
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
            assertThat(fresh.pid()).isNotEqualTo(orphanPid);
            assertThat(recordedPid(data)).isEqualTo(fresh.pid());
            assertThat(get(port)).isEqualTo(200);

            // and: a second start while this registry's parent (this JVM) lives is refused; this one keeps serving
            assertThatThrownBy(() -> SchemaRegistryProcess.start(home, 0, data))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("belongs to a running process " + ProcessHandle.current().pid());
            assertThat(ProcessHandle.of(fresh.pid()).map(ProcessHandle::isAlive)).contains(true);
        }

        // and: a clean stop leaves no pid file behind
        assertThat(data.resolve(SchemaRegistryProcess.PID_FILE)).doesNotExist();
    }

    private static long recordedPid(Path data) throws Exception {
        List<String> lines = Files.readAllLines(data.resolve(SchemaRegistryProcess.PID_FILE), StandardCharsets.UTF_8);
        return lines.stream().filter(line -> line.startsWith("pid=")).map(line -> Long.parseLong(line.substring(4)))
                .findFirst().orElseThrow();
    }

    private static int get(int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/apis/ccompat/v7/subjects"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    // The launcher's output goes to a file; a child process gives no event to wait on, so poll it with a deadline.
    private static void awaitLine(Path log, String prefix, Process process) throws Exception {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log) && Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .anyMatch(line -> line.startsWith(prefix))) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the launcher exited early:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the launcher did not start its registry within " + START_TIMEOUT + ":\n"
                + Files.readString(log));
    }
}
