package dev.lapse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A forked JVM's output comes back line by line, and a child that fails or hangs says why instead of throwing. */
class ForkedJvmTest {

    /** The child: prints a line on each stream, then exits with its first argument, or sleeps if it is "hang". */
    public static final class Child {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("out line");
            System.err.println("err line 1");
            System.err.println("err line 2");
            if (args[0].equals("hang")) {
                Thread.sleep(60_000);
            }
            System.exit(Integer.parseInt(args[0]));
        }
    }

    @Test
    void aChildThatExitsWithZero_givesItsOutputAndNoFailure() {
        ForkedJvm.Outcome outcome = ForkedJvm.run("the child", List.of("-Xmx64m"), Child.class, List.of("0"),
                Duration.ofMinutes(1));

        assertThat(outcome.out()).containsExactly("out line");
        assertThat(outcome.err()).containsExactly("err line 1", "err line 2");
        assertThat(outcome.failure()).isNull();
    }

    @Test
    void aChildThatExitsWithAnotherStatus_failsWithTheFirstLineOfItsStandardError() {
        ForkedJvm.Outcome outcome = ForkedJvm.run("the child", List.of("-Xmx64m"), Child.class, List.of("3"),
                Duration.ofMinutes(1));

        assertThat(outcome.out()).containsExactly("out line");
        assertThat(outcome.failure()).isEqualTo("the child exited with 3: err line 1");
    }

    @Test
    void aChildThatHangs_isKilledAfterTheTimeout() {
        ForkedJvm.Outcome outcome = ForkedJvm.run("the child", List.of("-Xmx64m"), Child.class, List.of("hang"),
                Duration.ofSeconds(3));

        assertThat(outcome.out()).containsExactly("out line");
        assertThat(outcome.failure()).isEqualTo("the child was killed after 3 s: err line 1");
    }

    @Test
    void aChildThatCannotStart_failsWithTheJvmsReason() {
        ForkedJvm.Outcome outcome = ForkedJvm.run("the child", List.of("-Xmx1x"), Child.class, List.of("0"),
                Duration.ofMinutes(1));

        assertThat(outcome.out()).isEmpty();
        assertThat(outcome.failure()).startsWith("the child exited with 1: Invalid maximum heap size");
    }
}
