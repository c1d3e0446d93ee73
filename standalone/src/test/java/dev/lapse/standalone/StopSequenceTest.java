package dev.lapse.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every part is asked to stop, in order, whatever an earlier part's close() throws. */
class StopSequenceTest {

    private final List<String> stopped = new ArrayList<>();

    @Test
    void close_stopsEveryPartInOrder() {
        // given
        StopSequence stops = new StopSequence()
                .then("audit-sink", () -> stopped.add("audit-sink"))
                .then("request-service", () -> stopped.add("request-service"))
                .then("kafka", () -> stopped.add("kafka"))
                .then("registry", () -> stopped.add("registry"));

        // when
        stops.close();

        // then
        assertThat(stopped).containsExactly("audit-sink", "request-service", "kafka", "registry");
        assertThat(stops.names()).isEqualTo(stopped);
    }

    @Test
    void close_whenServicesThrow_stillStopsTheBrokerAndTheRegistry_andRethrowsTheFirstFailure() {
        // given: a service whose close throws an unchecked exception, another a checked one
        IllegalStateException first = new IllegalStateException("context close failed");
        StopSequence stops = new StopSequence()
                .then("audit-sink", () -> {
                    stopped.add("audit-sink");
                    throw first;
                })
                .then("request-service", () -> {
                    stopped.add("request-service");
                    throw new IOException("socket close failed");
                })
                .then("kafka", () -> stopped.add("kafka"))
                .then("registry", () -> stopped.add("registry"));

        // when / then
        assertThatThrownBy(stops::close).isSameAs(first).satisfies(thrown -> assertThat(thrown.getSuppressed())
                .singleElement().satisfies(suppressed -> assertThat(suppressed)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("stopping request-service failed: socket close failed")
                        .hasCauseInstanceOf(IOException.class)));
        assertThat(stopped).containsExactly("audit-sink", "request-service", "kafka", "registry");
    }

    @Test
    void close_whenTheBrokerThrowsAnError_stillStopsTheRegistry() {
        // given
        StopSequence stops = new StopSequence()
                .then("kafka", () -> {
                    stopped.add("kafka");
                    throw new AssertionError("broker shutdown hook failed");
                })
                .then("registry", () -> stopped.add("registry"));

        // when / then
        assertThatThrownBy(stops::close).isInstanceOf(AssertionError.class);
        assertThat(stopped).containsExactly("kafka", "registry");
    }
}
