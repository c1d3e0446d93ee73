package dev.lapse.schemas.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.listener.RetryListener;

/**
 * Says which partitions wait for something that is down, once per change of state rather than once per attempt:
 * one WARN line when a partition starts waiting ({@code <topic>-<p>@<offset> waits: <reason>; retrying with backoff
 * up to 10 s}), one INFO line when it goes on ({@code … resumed after N failed attempt(s), X s}), and in between only
 * metrics: the gauge {@code lapse.kafka.partitions.waiting} and the counters {@code lapse.kafka.retries} and
 * {@code lapse.kafka.parked} (tagged by topic).
 *
 * <p>It hears every failed attempt from spring-kafka's retry machinery ({@link RetryListener}) and sees every record
 * finish ({@link RecordInterceptor#afterRecord}, called after the record's transaction committed or rolled back),
 * so a wait ends when the record it waited on, or a later one of its partition, went through. All calls for a
 * record happen on its consumer's thread; the state is shared by all consumers, so it is thread-safe.
 */
public final class PartitionWaits implements RetryListener, RecordInterceptor<Object, Object> {

    /** Metric: partitions waiting now. */
    public static final String WAITING = "lapse.kafka.partitions.waiting";
    /** Metric: failed attempts that will be retried. */
    public static final String RETRIES = "lapse.kafka.retries";
    /** Metric: records set aside as broken. */
    public static final String PARKED = "lapse.kafka.parked";

    private static final Logger log = LoggerFactory.getLogger(PartitionWaits.class);
    /** The partition whose record failed last on this consumer thread, until that record's processing ends. */
    private static final ThreadLocal<@Nullable TopicPartition> FAILED_HERE = new ThreadLocal<>();
    /** Marks consumer threads whose failures this class reports, see {@link #reportsFailuresOnThisThread()}. */
    private static final ThreadLocal<Boolean> REPORTING_HERE = ThreadLocal.withInitial(() -> false);

    private final Map<TopicPartition, Wait> waits = new ConcurrentHashMap<>();
    private final Duration maxBackoff;
    private final MeterRegistry meters;
    private final Clock clock;

    public PartitionWaits(Duration maxBackoff, MeterRegistry meters, Clock clock) {
        this.maxBackoff = maxBackoff;
        this.meters = meters;
        this.clock = clock;
        Gauge.builder(WAITING, waits, Map::size)
                .description("Partitions whose next record waits for an unavailable dependency")
                .register(meters);
    }

    /**
     * True on a consumer thread whose failures are reported here, so the container's own per-attempt ERROR line
     * ("Transaction rolled back" and the like) says nothing more and can be left out ({@link PerAttemptLineFilter}).
     */
    static boolean reportsFailuresOnThisThread() {
        return REPORTING_HERE.get();
    }

    /** Marks this consumer thread as one whose failed attempts are reported here ({@link BatchTransactions}). */
    static void reportFailuresOnThisThread() {
        REPORTING_HERE.set(true);
    }

    /** The partition whose record just failed on this thread, for {@link PausingBackOff}. */
    static @Nullable TopicPartition failedOnThisThread() {
        return FAILED_HERE.get();
    }

    /** How many partitions wait now. */
    public int waiting() {
        return waits.size();
    }

    @Override
    public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
            Consumer<Object, Object> consumer) {
        REPORTING_HERE.set(true);
        return record;
    }

    @Override
    public void failedDelivery(ConsumerRecord<?, ?> record, @Nullable Exception exception, int deliveryAttempt) {
        if (exception == null || RetryPolicy.parks(exception)) {
            return; // parked at once, and the parking says so
        }
        FAILED_HERE.set(new TopicPartition(record.topic(), record.partition()));
        failed(record, exception);
    }

    /**
     * A record failed and will be tried again: counts the attempt, says so once when its partition starts waiting,
     * and returns how many attempts at this record failed so far.
     */
    public int failed(ConsumerRecord<?, ?> record, Exception exception) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Counter.builder(RETRIES).tag("topic", record.topic())
                .description("Failed attempts that are retried after a backoff").register(meters).increment();
        Wait wait = waits.compute(partition, (key, current) ->
                current != null && current.offset == record.offset() ? current.again() : new Wait(record.offset(),
                        clock.millis(), 1));
        if (wait.attempts == 1) {
            String line = "{}-{}@{} waits: {}; retrying with backoff up to {} s";
            Object[] arguments = {record.topic(), record.partition(), record.offset(),
                    DeadLetterRouting.reason(exception), maxBackoff.toSeconds()};
            if (RetryPolicy.isDependencyDown(exception)) {
                log.warn(line, arguments);
            } else {
                // Not a known outage: most likely a bug, so the stack trace is worth its lines, once.
                log.warn(line, append(arguments, exception));
            }
        }
        return wait.attempts;
    }

    /** A record was handled and committed: a wait of its partition at or before it is over. */
    public void wentThrough(ConsumerRecord<?, ?> record) {
        if (waits.isEmpty()) {
            return;
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Wait wait = waits.get(partition);
        if (wait != null && record.offset() >= wait.offset && waits.remove(partition, wait)) {
            String seconds = String.format(Locale.ROOT, "%.1f", (clock.millis() - wait.sinceMs) / 1000.0);
            log.info("{}-{}@{} resumed after {} failed attempt(s), {} s", record.topic(), record.partition(),
                    wait.offset, wait.attempts, seconds);
        }
    }

    @Override
    public void recovered(ConsumerRecord<?, ?> record, @Nullable Exception exception) {
        waits.remove(new TopicPartition(record.topic(), record.partition()));
    }

    /** Counts a record set aside as broken. */
    public void parked(ConsumerRecord<?, ?> record) {
        Counter.builder(PARKED).tag("topic", record.topic())
                .description("Records set aside as broken (dead-letter topic)").register(meters).increment();
    }

    @Override
    public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        TopicPartition failed = FAILED_HERE.get();
        FAILED_HERE.remove();
        if (partition.equals(failed)) {
            return; // this record failed again: still waiting
        }
        wentThrough(record);
    }

    @Override
    public void clearThreadState(Consumer<?, ?> consumer) {
        FAILED_HERE.remove();
        REPORTING_HERE.remove();
    }

    private static Object[] append(Object[] arguments, Object last) {
        Object[] all = Arrays.copyOf(arguments, arguments.length + 1);
        all[arguments.length] = last;
        return all;
    }

    /** One partition's wait: the offset it waits on, since when, and how many attempts failed. */
    private record Wait(long offset, long sinceMs, int attempts) {

        Wait again() {
            return new Wait(offset, sinceMs, attempts + 1);
        }
    }
}
