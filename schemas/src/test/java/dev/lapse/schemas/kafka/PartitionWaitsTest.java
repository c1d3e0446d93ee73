package dev.lapse.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lapse.schemas.serde.RegistryUnavailableException;
import dev.lapse.schemas.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PartitionWaitsTest {

    private static final String TOPIC = "lapse.access.submitted";
    private static final RegistryUnavailableException REGISTRY_DOWN =
            new RegistryUnavailableException("schema registry at http://registry is unreachable");

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-28T09:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PartitionWaits waits = new PartitionWaits(Duration.ofSeconds(10), meters, clock);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(PartitionWaits.class);

    @BeforeEach
    void captureLog() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(lines);
    }

    @Test
    void wait_isOneLineWhenItStarts_andOneWhenItEnds_withMetricsInBetween() {
        ConsumerRecord<Object, Object> record = record(2, 5);

        waits.failedDelivery(record, REGISTRY_DOWN, 1);
        waits.afterRecord(record, null);
        clock.advance(Duration.ofMillis(2_100));
        waits.failedDelivery(record, REGISTRY_DOWN, 2);
        waits.afterRecord(record, null);
        assertThat(waits.waiting()).isEqualTo(1);
        assertThat(meters.get(PartitionWaits.WAITING).gauge().value()).isEqualTo(1);
        clock.advance(Duration.ofMillis(2_100));
        waits.afterRecord(record, null);

        assertThat(lines.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.WARN, "lapse.access.submitted-2@5 waits: schema registry at"
                        + " http://registry is unreachable; retrying with backoff up to 10 s"),
                org.assertj.core.groups.Tuple.tuple(Level.INFO,
                        "lapse.access.submitted-2@5 resumed after 2 failed attempt(s), 4.2 s"));
        assertThat(lines.list.get(0).getThrowableProxy()).isNull();
        assertThat(waits.waiting()).isZero();
        assertThat(meters.get(PartitionWaits.WAITING).gauge().value()).isZero();
        assertThat(meters.get(PartitionWaits.RETRIES).tag("topic", TOPIC).counter().count()).isEqualTo(2);
    }

    @Test
    void wait_endsWhenALaterRecordOfItsPartitionGoesThrough() {
        waits.failedDelivery(record(0, 7), REGISTRY_DOWN, 1);
        waits.afterRecord(record(0, 7), null);
        waits.afterRecord(record(1, 9), null);
        assertThat(waits.waiting()).isEqualTo(1);

        waits.afterRecord(record(0, 8), null);

        assertThat(waits.waiting()).isZero();
    }

    @Test
    void recordAtFault_isNoWait_andParkingEndsAWait() {
        ConsumerRecord<Object, Object> record = record(3, 1);
        waits.failedDelivery(record, new RejectedRecordException("invalid request", List.of()), 1);
        assertThat(waits.waiting()).isZero();

        waits.failedDelivery(record, REGISTRY_DOWN, 1);
        waits.recovered(record, new RejectedRecordException("invalid request", List.of()));
        waits.parked(record);

        assertThat(waits.waiting()).isZero();
        assertThat(meters.get(PartitionWaits.PARKED).tag("topic", TOPIC).counter().count()).isEqualTo(1);
        assertThat(lines.list).hasSize(1);
    }

    @Test
    void failureThatIsNoOutage_logsItsStackTraceOnce() {
        ConsumerRecord<Object, Object> record = record(4, 2);

        waits.failedDelivery(record, new IllegalStateException("bug"), 1);
        waits.failedDelivery(record, new IllegalStateException("bug"), 2);

        assertThat(lines.list).singleElement().satisfies(line -> {
            assertThat(line.getFormattedMessage()).isEqualTo("lapse.access.submitted-4@2 waits: bug; retrying with"
                    + " backoff up to 10 s");
            assertThat(line.getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
        });
    }

    private static ConsumerRecord<Object, Object> record(int partition, long offset) {
        return new ConsumerRecord<>(TOPIC, partition, offset, "key", new byte[0]);
    }
}
