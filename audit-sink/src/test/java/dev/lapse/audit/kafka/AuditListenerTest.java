package dev.lapse.audit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.ChainId;
import dev.lapse.audit.log.AuditLog;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.serde.AvroSerializer;
import dev.lapse.schemas.serde.RegistryUnavailableException;
import dev.lapse.schemas.serde.SerdeConfig;
import dev.lapse.schemas.serde.SubjectNameStrategy;
import dev.lapse.schemas.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AuditListenerTest {

    private static final String TOPIC = Topics.ACCESS_SUBMITTED.name();

    @TempDir
    Path root;

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerializer serializer = new AvroSerializer(registry,
            new SerdeConfig(List.of("http://memory"), true, false, false, SubjectNameStrategy.TOPIC), false);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-28T08:00:00Z"));
    private AuditLog log;
    private AuditListener listener;

    @BeforeEach
    void start() throws IOException {
        log = AuditLog.open(root.resolve("audit"));
        listener = new AuditListener(log, new RecordEntries(new WriterSchemaDecoder(registry)),
                new AuditWaiting(clock, meters), meters);
        lines.start();
        ((Logger) LoggerFactory.getLogger(AuditWaiting.class)).addAppender(lines);
    }

    @AfterEach
    void stop() throws IOException {
        ((Logger) LoggerFactory.getLogger(AuditWaiting.class)).detachAppender(lines);
        log.close();
    }

    @Test
    void onRecord_whenTheRegistryIsDown_waitsThenGoesOnWithTheSameEntry() {
        byte[] value = serializer.serialize(TOPIC, Events.accessRequested("r1"));
        registry.down(true);

        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> listener.onRecord(record(0, value)))
                    .isInstanceOf(RegistryUnavailableException.class);
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(meters.get("lapse.audit.waiting").gauge().value()).isEqualTo(1);
        assertThat(log.lastOffset(new ChainId(TOPIC, 0))).isEmpty(); // no entry made of an outage

        registry.down(false);
        listener.onRecord(record(0, value));

        assertThat(log.lastOffset(new ChainId(TOPIC, 0))).isEqualTo(OptionalLong.of(0));
        assertThat(meters.get("lapse.audit.waiting").gauge().value()).isZero();
        assertThat(meters.get("lapse.audit.waits").counter().count()).isEqualTo(1);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
                waits -> assertThat(waits).startsWith("Audit waits at lapse.access.submitted-0@0: schema registry "
                        + "at memory: is unreachable"),
                resumes -> assertThat(resumes).isEqualTo("Audit resumes at lapse.access.submitted-0@0 after waiting "
                        + "300 ms (3 attempts)"));
    }

    @Test
    void onRecord_whenTheDiskFails_waitsThenGoesOn() throws IOException {
        byte[] value = serializer.serialize(TOPIC, Events.accessRequested("r1"));
        Path directory = log.directory();
        // A new chain's file cannot be created while a plain file stands where its directory should be.
        Files.delete(directory);
        Files.writeString(directory, "in the way");

        assertThatThrownBy(() -> listener.onRecord(record(0, value))).isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot append lapse.access.submitted-0@0 to the audit log");
        assertThat(meters.get("lapse.audit.waiting").gauge().value()).isEqualTo(1);

        Files.delete(directory);
        listener.onRecord(record(0, value));

        assertThat(log.lastOffset(new ChainId(TOPIC, 0))).isEqualTo(OptionalLong.of(0));
        assertThat(meters.get("lapse.audit.waiting").gauge().value()).isZero();
        assertThat(lines.list).hasSize(2);
    }

    @Test
    void onRecord_whatTheAuditCannotRead_isRecordedAndThePartitionGoesOn() {
        listener.onRecord(record(0, null));
        listener.onRecord(record(1, "not avro".getBytes(StandardCharsets.UTF_8)));
        listener.onRecord(record(2, serializer.serialize(TOPIC, Events.accessRequested(""))));
        listener.onRecord(record(3, serializer.serialize(TOPIC, Events.accessRequested("r1"))));

        assertThat(log.lastOffset(new ChainId(TOPIC, 0))).isEqualTo(OptionalLong.of(3));
        assertThat(meters.get("lapse.audit.reasoned").tag("eventType", AuditEntry.UNREADABLE).counter().count())
                .isEqualTo(2);
        assertThat(lines.list).isEmpty();
    }

    @Test
    void onRecord_whenRedelivered_appendsNothing() throws IOException {
        byte[] value = serializer.serialize(TOPIC, Events.accessRequested("r1"));
        listener.onRecord(record(0, value));

        listener.onRecord(record(0, value));

        assertThat(log.entries("r1")).hasSize(1);
    }

    @Test
    void topicPattern_takesEveryLapseTopicButServiceState() {
        Pattern pattern = Pattern.compile(AuditListener.TOPIC_PATTERN);

        assertThat(List.of("lapse.access.submitted", "lapse.access.submitted.dlt", "lapse.audit.checkpoints",
                "lapse.stateful", "lapse.statex.y")).allMatch(topic -> pattern.matcher(topic).matches());
        assertThat(List.of("lapse.state.revoker.active-grants", "lapse.state.x", "lapse.state.x.dlt", "other.topic",
                "lapse.")).noneMatch(topic -> pattern.matcher(topic).matches());
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] value) {
        byte[] key = "r1".getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(TOPIC, 0, offset, 1_767_225_600_000L, TimestampType.CREATE_TIME, key.length,
                value == null ? -1 : value.length, key, value, new RecordHeaders(), Optional.empty());
    }
}
