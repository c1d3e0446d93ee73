package dev.lapse.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pid file ends an orphan that carries its signature, and nothing else. */
class PidFileTest {

    private static final Duration GRACE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private ProcessHandle started;

    @AfterEach
    void stopLeftovers() {
        if (started != null && started.isAlive()) {
            started.destroyForcibly();
        }
    }

    @Test
    void endStale_endsAnOrphanCarryingTheSignature_andRemovesTheFile() throws Exception {
        // given: a sleep whose parent shell has exited, as a registry is left when its launcher is killed
        started = orphanedSleep("71");
        Path file = dir.resolve("child.pid");
        Files.writeString(file, "pid=" + started.pid() + "\nparent=" + deadPid() + "\n");
        PidFile pidFile = new PidFile(file, List.of(Pattern.compile("71")));

        // when
        var ended = pidFile.endStale(GRACE);

        // then
        assertThat(ended).hasValue(started.pid());
        assertThat(started.isAlive()).isFalse();
        assertThat(file).doesNotExist();
    }

    @Test
    void endStale_leavesAProcessWithoutTheSignatureAlone() throws Exception {
        // given: the pid now belongs to another program (pid reuse)
        started = orphanedSleep("72");
        Path file = dir.resolve("child.pid");
        Files.writeString(file, "pid=" + started.pid() + "\nparent=" + deadPid() + "\n");
        PidFile pidFile = new PidFile(file, List.of(Pattern.compile("-Dlapse.registry.owner=/elsewhere")));

        // when
        var ended = pidFile.endStale(GRACE);

        // then
        assertThat(ended).isEmpty();
        assertThat(started.isAlive()).isTrue();
        assertThat(file).doesNotExist();
    }

    @Test
    void endStale_refusesToEndAChildOfALiveParent() throws Exception {
        // given: a child of this JVM, which is alive: another Lapse still runs it
        Process child = new ProcessBuilder("sleep", "73").start();
        started = child.toHandle();
        PidFile pidFile = new PidFile(dir.resolve("child.pid"), List.of(Pattern.compile("73")));
        pidFile.write(child.toHandle());

        // when / then
        assertThatThrownBy(() -> pidFile.endStale(GRACE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to a running process " + ProcessHandle.current().pid());
        assertThat(child.isAlive()).isTrue();
        assertThat(pidFile.path()).exists();
    }

    @Test
    void endStale_forgetsAPidThatIsNoLongerAlive() throws Exception {
        // given
        Path file = dir.resolve("child.pid");
        Files.writeString(file, "pid=" + deadPid() + "\nparent=" + deadPid() + "\n");

        // when / then
        assertThat(new PidFile(file, List.of(Pattern.compile(".*"))).endStale(GRACE)).isEmpty();
        assertThat(file).doesNotExist();
    }

    @Test
    void endStale_withoutAFile_endsNothing() {
        assertThat(new PidFile(dir.resolve("none.pid"), List.of(Pattern.compile(".*"))).endStale(GRACE)).isEmpty();
    }

    /** Starts {@code sleep <seconds>} from a shell that exits at once, so the sleep is re-parented. */
    private static ProcessHandle orphanedSleep(String seconds) throws Exception {
        Process shell = new ProcessBuilder("sh", "-c", "sleep " + seconds + " >/dev/null 2>&1 & echo $!").start();
        String pid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(shell.getInputStream(),
                StandardCharsets.UTF_8))) {
            pid = out.readLine().trim();
        }
        shell.waitFor();
        ProcessHandle sleep = ProcessHandle.of(Long.parseLong(pid)).orElseThrow();
        // The forked shell becomes "sleep" only once it has exec'd; until then its arguments are the shell's.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!sleep.info().command().orElse("").endsWith("sleep") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return sleep;
    }

    private static long deadPid() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        return done.pid();
    }
}
