package dev.lapse.request.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lapse.event.AccessRequested;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.PartitionWaits;
import dev.lapse.schemas.testing.TestStack;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * request-service while the real registry is frozen (SIGSTOP): valid ingress records wait and are all accepted
 * afterwards, none is parked. The service is fresh, so none of the schemas it needs is in its caches yet: every
 * decode and every first write must reach the registry.
 */
class RegistryOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final TestStack stack = TestStack.get();
    private static final ListAppender<ILoggingEvent> logLines = new ListAppender<>();
    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() {
        app = RequestServiceApplication.builder().run(stack.springArgs("--lapse.instance-id=registry-outage-it"));
        logLines.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logLines);
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logLines);
        app.close();
    }

    @Test
    void ingress_duringRegistryOutage_waitsThenAcceptsEveryRecord_andParksNone() {
        List<String> keys = List.of("ro-ingress-1", "ro-ingress-2", "ro-ingress-3");
        // Serialized while the registry answers: a producer whose schema id is cached keeps writing in an outage.
        Map<String, byte[]> written = keys.stream().collect(Collectors.toMap(Function.identity(),
                key -> stack.serialize(Topics.ACCESS_SUBMITTED, Events.accessRequested(key))));
        MeterRegistry meters = app.getBean(MeterRegistry.class);

        stack.pauseRegistry();
        try {
            keys.forEach(key -> stack.sendRaw(Topics.ACCESS_SUBMITTED.name(), key, written.get(key)));
            // Several attempts fail (each one a 3 s registry timeout): the outage lasts ~10 s or more.
            await().atMost(WAIT).until(() -> retries(meters, Topics.ACCESS_SUBMITTED.name()) >= 3);
            assertThat(meters.get(PartitionWaits.WAITING).gauge().value()).isGreaterThanOrEqualTo(1);
        } finally {
            stack.resumeRegistry();
        }

        for (String key : keys) {
            List<ConsumerRecord<String, Object>> accepted = stack.awaitRecordsThenQuiet(
                    List.of(Topics.ACCESS_REQUESTED.name()), key, found -> !found.isEmpty(), WAIT, QUIET);
            assertThat(accepted).singleElement().satisfies(record ->
                    assertThat(((AccessRequested) record.value()).getSourceSystem()).isEqualTo("helpdesk"));
            assertThat(stack.awaitRawRecordsThenQuiet(Topics.ACCESS_SUBMITTED.deadLetterName(), key,
                    found -> true, WAIT, QUIET)).isEmpty();
            assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_REJECTED.name()), key,
                    found -> true, WAIT, QUIET)).isEmpty();
        }
        await().atMost(WAIT).until(() -> meters.get(PartitionWaits.WAITING).gauge().value() == 0);
        // One line when a partition starts waiting and one when it resumes; nothing per attempt.
        List<String> lines = logLines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        List<String> waits = lines.stream().filter(line -> line.startsWith(Topics.ACCESS_SUBMITTED.name())
                && line.contains(" waits: ")).toList();
        List<String> resumed = lines.stream().filter(line -> line.startsWith(Topics.ACCESS_SUBMITTED.name())
                && line.contains(" resumed after ")).toList();
        assertThat(waits).isNotEmpty().allSatisfy(line -> assertThat(line)
                .contains("schema registry at").contains("retrying with backoff up to 10 s"));
        assertThat(resumed).hasSameSizeAs(waits);
        assertThat(lines).noneMatch(line -> line.contains("Transaction rolled back"));
    }

    private static double retries(MeterRegistry meters, String topic) {
        io.micrometer.core.instrument.Counter counter = meters.find(PartitionWaits.RETRIES).tag("topic", topic)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
