package dev.lapse.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.embedded.Ports;
import dev.lapse.embedded.SchemaRegistryProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The launcher, run as a user runs it, refuses to start when another process holds a port it needs: one line on
 * stderr, exit code 1, no stack trace, and nothing started (no registry process, no pid file).
 */
class PortRefusalIT {

    @TempDir
    Path data;

    @ParameterizedTest(name = "{0} port held on {1}")
    @CsvSource({
            // the broker listens on loopback; a foreign listener on every address blocks it too
            "kafka, *",
            // a service listens on every address; a foreign listener on loopback blocks it too
            "request-service, 127.0.0.1"})
    void aPortHeldByAForeignProcess_isRefusedWithOneClearLine(String part, String holderAddress) throws Exception {
        // given: another process (a child JVM, so not this one) listening on the port the part needs
        int held = Ports.freeLoopbackPort();
        Process holder = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                PortHolder.class.getName(), holderAddress, Integer.toString(held)).redirectErrorStream(true).start();
        try (BufferedReader holderOut = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(holderOut.readLine()).startsWith("holding");

            // when: the launcher starts with that port for the part and free ports for every other part
            List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                    "-Dlapse.registry.home=" + SchemaRegistryProcess.homeFromEnvironment().orElseThrow(),
                    "-Dlapse.data-dir=" + data));
            for (String name : List.of("kafka", "registry", "request-service", "policy-engine", "grant-issuer",
                    "revoker", "audit-sink")) {
                command.add("-Dlapse.port." + name + "=" + (name.equals(part) ? held : Ports.freeLoopbackPort()));
            }
            command.add(LapseStandalone.class.getName());
            Path out = data.resolve("stdout.txt");
            Path err = data.resolve("stderr.txt");
            Process launcher = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            boolean exited = launcher.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                launcher.destroyForcibly().waitFor();
            }

            // then
            assertThat(exited).as("the launcher exits").isTrue();
            assertThat(launcher.exitValue()).isEqualTo(1);
            assertThat(Files.readAllLines(err, StandardCharsets.UTF_8)).containsExactly("lapse: port " + held
                    + ", needed by " + part + ", is in use by a process Lapse does not own; stop that process"
                    + " (ss -ltnp 'sport = :" + held + "' names it) or choose another port (-Dlapse.port." + part
                    + "=...)");
            assertThat(Files.readString(out)).doesNotContain("Exception", "\tat ");
            assertThat(data.resolve("registry").resolve(SchemaRegistryProcess.PID_FILE)).doesNotExist();
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
