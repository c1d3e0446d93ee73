package dev.lapse.revoker.kafka;

import static org.awaitility.Awaitility.await;

import dev.lapse.revoker.RevokerApplication;
import dev.lapse.schemas.GrantIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.Partitions;
import dev.lapse.schemas.testing.TestStack;
import dev.lapse.state.WatchedGrant;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Prints how fast the revoker reads its state back after a restart: one million active grants written to
 * {@code lapse.state.revoker.active-grants}, then a revoker started on the real broker and registry, three times (in
 * a cold JVM, as after a crash, then warm). A measurement to run by hand, never part of the build: its name matches
 * none of failsafe's patterns, and it asserts nothing about speed.
 * <pre>
 * ./mvnw -B -ntp -o -pl revoker -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=RestoreMeasurement -Dit.failIfNoSpecifiedTests=false
 * cat revoker/target/failsafe-reports/dev.lapse.revoker.kafka.RestoreMeasurement-output.txt
 * </pre>
 * {@code -Dlapse.measure.grants=N} changes the number of grants.
 */
class RestoreMeasurement {

    private static final int GRANTS = Integer.getInteger("lapse.measure.grants", 1_000_000);
    private static final TestStack stack = TestStack.get();
    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Test
    void restoreRate() {
        writeState();
        for (int run = 1; run <= 3; run++) {
            long processCpuNs = PROCESS.getProcessCpuTime();
            ConfigurableApplicationContext app = RevokerApplication.builder()
                    .run(stack.springArgs("--lapse.instance-id=restore-measurement"));
            try {
                MeterRegistry meters = app.getBean(MeterRegistry.class);
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                        meters.get("lapse.revoker.restore.completed.epoch.ms").gauge().value() > 0);
                Timer restore = meters.get("lapse.revoker.restore").timer();
                double records = meters.get("lapse.revoker.restore.records").counter().count();
                double seconds = restore.totalTime(TimeUnit.MILLISECONDS) / 1000;
                double grants = meters.get("lapse.revoker.active.grants").gauge().value();
                System.out.printf("restore %d (%s JVM): %,.0f state records read back, %,.0f grants watched, in %.2f s"
                        + " over %d restore(s): %,.0f grants/s; CPU since the revoker started: its loop thread"
                        + " %.2f s, the whole JVM (broker included) %.2f s; load average %.1f%n", run,
                        run == 1 ? "cold" : "warm", records, grants, seconds, restore.count(), records / seconds,
                        loopThreadCpuNs() / 1e9, (PROCESS.getProcessCpuTime() - processCpuNs) / 1e9,
                        PROCESS.getSystemLoadAverage());
            } finally {
                app.close();
            }
        }
    }

    private static long loopThreadCpuNs() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("lapse-revoker-loop"))
                .mapToLong(t -> threads.getThreadCpuTime(t.getId())).sum();
    }

    /** The state of {@link #GRANTS} active grants, as the revoker writes it, ending hours from now. */
    private static void writeState() {
        // Declared as the revoker declares it at start, which has not happened yet.
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.REVOKER_STATE.name(), Topics.REVOKER_STATE.partitions(),
                    (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create " + Topics.REVOKER_STATE.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Instant expiresAt = Instant.now().plus(6, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        long startNs = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", stack.bootstrapServers(), "linger.ms", 20, "batch.size", 512 * 1024),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < GRANTS; i++) {
                String requestId = UUID.nameUUIDFromBytes(("restore-measurement-" + i).getBytes()).toString();
                WatchedGrant state = WatchedGrant.newBuilder().setRequestId(requestId)
                        .setGrantId(GrantIds.of(requestId)).setRequesterId("user-" + i % 10_000)
                        .setExpiresAt(expiresAt.plusMillis(i % 3_600_000)).build();
                producer.send(new ProducerRecord<>(Topics.REVOKER_STATE.name(), Partitions.of(requestId), requestId,
                        stack.serialize(Topics.REVOKER_STATE, state)));
            }
            producer.flush();
        }
        System.out.printf("wrote %,d WatchedGrant records in %.1f s%n", GRANTS, (System.nanoTime() - startNs) / 1e9);
    }
}
