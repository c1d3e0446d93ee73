package dev.lapse.policy.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Scope;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.PartitionWaits;
import dev.lapse.schemas.testing.TestStack;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The registry goes down between reading a request and writing its decision: the write fails inside the
 * transaction, so the transaction cannot commit, and the request waits; after the registry is back it is decided
 * exactly once, and nothing is parked.
 */
class PolicyEngineOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofSeconds(3);
    private final TestStack stack = TestStack.get();

    @Test
    void registryDownWhileWritingTheDecision_waits_thenDecidesOnce_andParksNothing() {
        ConfigurableApplicationContext app = PolicyEngineApplication.builder()
                .run(stack.springArgs("--lapse.instance-id=outage-it"));
        // After the start: Spring Boot resets Logback while it starts.
        ListAppender<ILoggingEvent> logLines = new ListAppender<>();
        logLines.start();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(logLines);
        try {
            // A first, approved request puts the request schema in the fresh service's cache; AccessDenied's
            // schema is not, so the decision below is the first write that needs the registry.
            stack.send(Topics.ACCESS_REQUESTED, "pe-outage-warm", Events.accessRequested("pe-outage-warm"));
            stack.awaitRecords(List.of(Topics.ACCESS_APPROVED.name()), "pe-outage-warm", found -> !found.isEmpty(),
                    WAIT);
            AccessRequested write = Events.accessRequested("pe-outage-deny");
            write.setScope(new Scope(List.of("UPDATE"), List.of("email"), null));
            byte[] bytes = stack.serialize(Topics.ACCESS_REQUESTED, write);
            MeterRegistry meters = app.getBean(MeterRegistry.class);

            stack.pauseRegistry();
            try {
                stack.sendRaw(Topics.ACCESS_REQUESTED.name(), "pe-outage-deny", bytes);
                await().atMost(WAIT).until(() -> retries(meters) >= 2);
            } finally {
                stack.resumeRegistry();
            }

            List<ConsumerRecord<String, Object>> decided = stack.awaitRecordsThenQuiet(
                    List.of(Topics.ACCESS_APPROVED.name(), Topics.ACCESS_DENIED.name()), "pe-outage-deny",
                    found -> !found.isEmpty(), WAIT, QUIET);
            assertThat(decided).singleElement().satisfies(record ->
                    assertThat(((AccessDenied) record.value()).getReason()).startsWith("no policy allows UPDATE"));
            assertThat(stack.awaitRawRecordsThenQuiet(Topics.ACCESS_REQUESTED.deadLetterName(), "pe-outage-deny",
                    found -> true, WAIT, QUIET)).isEmpty();
            await().atMost(WAIT).until(() -> meters.get(PartitionWaits.WAITING).gauge().value() == 0);
            List<String> lines = logLines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(lines.stream().filter(line -> line.startsWith(Topics.ACCESS_REQUESTED.name())
                    && line.contains(" waits: "))).singleElement().satisfies(line ->
                    assertThat(line).contains("schema registry at"));
            assertThat(lines.stream().filter(line -> line.startsWith(Topics.ACCESS_REQUESTED.name())
                    && line.contains(" resumed after "))).hasSize(1);
            assertThat(lines).noneMatch(line -> line.contains("Transaction rolled back")
                    || line.contains("Exception thrown when sending") || line.contains("producer removed from cache"));
        } finally {
            root.detachAppender(logLines);
            app.close();
        }
    }

    private static double retries(MeterRegistry meters) {
        Counter counter = meters.find(PartitionWaits.RETRIES).tag("topic", Topics.ACCESS_REQUESTED.name()).counter();
        return counter == null ? 0 : counter.count();
    }
}
