package dev.lapse.bench.postgres;

import dev.lapse.bench.drive.Completions;
import dev.lapse.bench.kafka.ClientSettings;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessWithdrawn;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.serde.AvroDeserializer;
import dev.lapse.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what becomes of requests, from the topics' end, read_committed, on its own thread: {@code AccessGranted}
 * and {@code AccessDenied} (also reported to {@link Completions}, so a driver's trial completes or fails), then
 * {@code AccessExpired} and {@code AccessWithdrawn}, keeping per request id when each happened and when it was seen.
 */
final class GrantEvents implements AutoCloseable {

    /** What became of one request so far: the events seen; {@code null} for what has not happened yet. */
    record Fate(@Nullable AccessGranted granted, @Nullable String deniedBecause, @Nullable AccessExpired expired,
            @Nullable AccessWithdrawn withdrawn) {

        static final Fate NONE = new Fate(null, null, null, null);
    }

    private static final Logger log = LoggerFactory.getLogger(GrantEvents.class);
    private static final List<String> TOPICS = List.of(Topics.ACCESS_GRANTED.name(), Topics.ACCESS_DENIED.name(),
            Topics.ACCESS_EXPIRED.name(), Topics.ACCESS_WITHDRAWN.name());

    private final KafkaConsumer<String, Object> consumer;
    private final Completions completions;
    private final Map<String, Fate> fates = new ConcurrentHashMap<>();
    private final Thread thread;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile @Nullable RuntimeException failure;

    private GrantEvents(String bootstrapServers, String registryUrl, Completions completions) {
        AvroDeserializer values = new AvroDeserializer();
        values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl, SerdeConfig.SPECIFIC_AVRO_READER,
                "true"), false);
        this.consumer = new KafkaConsumer<>(ClientSettings.reader(bootstrapServers), new StringDeserializer(),
                values);
        this.completions = completions;
        this.thread = new Thread(this::watch, "bench-watch-grants");
        thread.setDaemon(true);
    }

    /** Starts watching, and returns once positioned at the topics' end, so no later event is missed. */
    static GrantEvents start(String bootstrapServers, String registryUrl, Completions completions) {
        GrantEvents events = new GrantEvents(bootstrapServers, registryUrl, completions);
        events.thread.start();
        try {
            if (!events.positioned.await(60, TimeUnit.SECONDS)) {
                events.close();
                throw new IllegalStateException("the watcher of " + TOPICS + " was not positioned within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            events.close();
            throw new IllegalStateException("interrupted while starting the watcher of " + TOPICS, e);
        }
        RuntimeException failed = events.failure;
        if (failed != null) {
            events.close();
            throw failed;
        }
        return events;
    }

    private void watch() {
        try {
            List<TopicPartition> partitions = TOPICS.stream().flatMap(topic -> consumer.partitionsFor(topic,
                    Duration.ofSeconds(30)).stream().map(info -> new TopicPartition(topic, info.partition()))).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            positioned.countDown();
            while (!closing) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<String, Object> record : records) {
                    seen(record.value(), now);
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
            log.error("The watcher of {} stopped", TOPICS, e);
        } finally {
            positioned.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void seen(@Nullable Object event, long nanoTime) {
        if (event instanceof AccessGranted granted) {
            update(granted.getRequestId(), fate -> new Fate(granted, fate.deniedBecause(), fate.expired(),
                    fate.withdrawn()));
            completions.completed(granted.getRequestId(), nanoTime);
        } else if (event instanceof AccessDenied denied) {
            update(denied.getRequestId(), fate -> new Fate(fate.granted(), denied.getReason(), fate.expired(),
                    fate.withdrawn()));
            completions.failed(denied.getRequestId(), "denied: " + denied.getReason());
        } else if (event instanceof AccessExpired expired) {
            update(expired.getRequestId(), fate -> new Fate(fate.granted(), fate.deniedBecause(), expired,
                    fate.withdrawn()));
        } else if (event instanceof AccessWithdrawn withdrawn) {
            update(withdrawn.getRequestId(), fate -> new Fate(fate.granted(), fate.deniedBecause(), fate.expired(),
                    withdrawn));
        }
    }

    private void update(String requestId, UnaryOperator<Fate> change) {
        fates.compute(requestId, (id, fate) -> change.apply(fate == null ? Fate.NONE : fate));
    }

    /** What became of a request so far. */
    Fate fate(String requestId) {
        return fates.getOrDefault(requestId, Fate.NONE);
    }

    /** Waits until the request's fate passes the test, at most until {@code deadlineNanos}; its fate then, if so. */
    Optional<Fate> await(String requestId, Predicate<Fate> until, long deadlineNanos) {
        while (true) {
            Fate fate = fate(requestId);
            if (until.test(fate)) {
                return Optional.of(fate);
            }
            RuntimeException failed = failure;
            if (failed != null) {
                throw new IllegalStateException("the watcher of " + TOPICS + " stopped", failed);
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                return Optional.empty();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
