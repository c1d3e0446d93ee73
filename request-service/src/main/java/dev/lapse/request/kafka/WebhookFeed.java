package dev.lapse.request.kafka;

import dev.lapse.request.notify.DeliveryOutcome;
import dev.lapse.request.notify.Dispatch;
import dev.lapse.request.notify.Notifier;
import dev.lapse.request.notify.ReceiverAnswer;
import dev.lapse.request.notify.Source;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.RejectedRecordException;
import dev.lapse.schemas.serde.RegistryUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The webhook notifier's edge: one thread with a consumer of its own group, which feeds the {@link Notifier},
 * sends what it says to send through the {@link WebhookSender} (asynchronously: answers come back on the HTTP
 * client's threads) and commits what it says may be committed. Nothing here is shared with the REST API or the
 * timeline: a receiver that is down costs this thread nothing but a growing backlog, and at
 * {@code lapse.notify.max-backlog} consumption pauses until deliveries catch up.
 *
 * <p><b>Threads.</b> The {@link Notifier} is not thread-safe; this thread and the answer callbacks call it under its
 * own monitor, never while sending or committing. The consumer is touched by this thread alone.
 *
 * <p><b>Rebalances</b> are eager (the range assignor, which also gives one instance partition p of every topic, so a
 * request's events meet in one notifier): on revocation the finished work is committed and everything in memory is
 * dropped; on assignment reading starts again from the committed offsets, with the metadata they carry
 * ({@link Notifier.Restored}). A new group starts at the end of the topics: notifications are for what happens
 * from now on, not for the history.
 *
 * <p><b>Failures.</b> A record that cannot be read is skipped with a line in the log (its topic's owner parks it).
 * While the registry is down its partition waits and is read again. Anything else restarts the consumer from the
 * committed offsets after a capped backoff.
 *
 * <p><b>Time.</b> The poll waits at most until the notifier's next due instant (a retry, a notice, a record's order
 * wait), and at most a second, so commits follow deliveries within about a second.
 */
final class WebhookFeed implements SmartLifecycle {

    /** Metric: deliveries finished, per outcome ({@code delivered}, {@code given_up}) and webhook. */
    static final String DELIVERIES = "lapse.webhook.deliveries";
    static final List<String> TOPICS = List.of(Topics.ACCESS_REQUESTED.name(), Topics.APPROVAL_PENDING.name(),
            Topics.ACCESS_APPROVED.name(), Topics.ACCESS_DENIED.name(), Topics.ACCESS_GRANTED.name(),
            Topics.ACCESS_EXPIRED.name());

    private static final Logger log = LoggerFactory.getLogger(WebhookFeed.class);
    private static final long MAX_IDLE_MS = 1_000;
    private static final long REGISTRY_RETRY_MS = 1_000;
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Notifier notifier;
    private final Supplier<Consumer<String, byte[]>> consumers;
    private final EventDecoder decoder;
    private final WebhookSender sender;
    private final Clock clock;
    private final int maxBacklog;
    private final MeterRegistry meters;
    private final AtomicInteger backlog = new AtomicInteger();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** What was last committed per partition, so an unchanged offset is not committed again. */
    private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    /** Partitions paused because the registry was down, until when. */
    private final Map<TopicPartition, Long> registryWaits = new HashMap<>();

    private volatile boolean running;
    private volatile boolean ready;
    private volatile Consumer<String, byte[]> consumer;
    private Thread owner;
    private boolean pausedForBacklog;

    WebhookFeed(Notifier notifier, Supplier<Consumer<String, byte[]>> consumers, EventDecoder decoder,
            WebhookSender sender, Clock clock, int maxBacklog, MeterRegistry meters) {
        this.notifier = notifier;
        this.consumers = consumers;
        this.decoder = decoder;
        this.sender = sender;
        this.clock = clock;
        this.maxBacklog = maxBacklog;
        this.meters = meters;
        meters.gauge("lapse.webhook.backlog", backlog);
    }

    /** Whether partitions have been assigned and positioned: from then on, every new event is notified. */
    boolean ready() {
        return ready;
    }

    @Override
    public void start() {
        running = true;
        owner = new Thread(this::run, "lapse-webhooks");
        owner.setDaemon(true);
        owner.start();
    }

    @Override
    public void stop() {
        running = false;
        stopping.countDown();
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            if (!stopped.await(15, TimeUnit.SECONDS)) {
                log.warn("Webhook notifier did not stop within 15 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        long backoffMs = 0;
        try {
            while (running) {
                try {
                    if (consumer == null) {
                        consumer = consumers.get();
                        consumer.subscribe(TOPICS, rebalance);
                    }
                    loopOnce();
                    backoffMs = 0;
                } catch (WakeupException e) {
                    // stop() woke the consumer; the loop condition ends it.
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    backoffMs = backoffMs == 0 ? FIRST_BACKOFF_MS : Math.min(backoffMs * 2, MAX_BACKOFF_MS);
                    log.warn("Webhook notifier starts again from the committed offsets in {} ms: {}", backoffMs,
                            DeadLetterRouting.reason(e));
                    log.debug("Webhook notifier failure", e);
                    closeConsumer();
                    if (stopping.await(backoffMs, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeConsumer();
            stopped.countDown();
        }
    }

    private void loopOnce() {
        long nowMs = clock.millis();
        long waitMs;
        synchronized (notifier) {
            OptionalLong next = notifier.nextWakeMs();
            waitMs = next.isPresent() ? Math.max(0, Math.min(MAX_IDLE_MS, next.getAsLong() - nowMs)) : MAX_IDLE_MS;
        }
        endRegistryWaits(nowMs);
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(waitMs));
        nowMs = clock.millis();
        Notifier.Step step;
        Map<Source, Notifier.Commit> commits;
        synchronized (notifier) {
            Set<TopicPartition> waiting = new HashSet<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (!waiting.contains(partition) && !consume(record, nowMs)) {
                    waiting.add(partition);
                    consumer.seek(partition, record.offset());
                    consumer.pause(List.of(partition));
                    registryWaits.put(partition, nowMs + REGISTRY_RETRY_MS);
                }
            }
            for (TopicPartition partition : consumer.assignment()) {
                OptionalLong lag = consumer.currentLag(partition);
                notifier.advanced(source(partition), consumer.position(partition),
                        lag.isPresent() && lag.getAsLong() == 0);
            }
            step = notifier.tick(nowMs);
            commits = notifier.commits(nowMs);
            backlog.set(notifier.backlog());
        }
        send(step.dispatches());
        commit(commits);
        applyBackpressure();
    }

    /** Hands one record to the notifier; false when the registry is down and the record must be read again. */
    private boolean consume(ConsumerRecord<String, byte[]> record, long nowMs) {
        if (record.value() == null) {
            return true;
        }
        Object value;
        try {
            value = decoder.decode(record, Object.class);
        } catch (RejectedRecordException e) {
            log.warn("Webhooks skip {}-{}@{}, which its topic's owner parks: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return true;
        } catch (RegistryUnavailableException e) {
            log.warn("Webhooks wait for the registry to read {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return false;
        }
        LifecycleEvents.of(value).ifPresent(event -> notifier.consumed(source(record), record.offset(),
                record.timestamp(), event, nowMs));
        return true;
    }

    private void send(List<Dispatch> dispatches) {
        for (Dispatch dispatch : dispatches) {
            sender.send(dispatch)
                    .thenAccept(answer -> answered(dispatch, answer))
                    .exceptionally(error -> {
                        log.error("Webhook notifier failed on the answer to {}", dispatch, error);
                        return null;
                    });
        }
    }

    /** On an HTTP client thread: tells the notifier, then sends what follows (the next in line, a retry). */
    private void answered(Dispatch dispatch, ReceiverAnswer answer) {
        Notifier.Step step;
        synchronized (notifier) {
            step = notifier.completed(dispatch.id(), answer, clock.millis());
            backlog.set(notifier.backlog());
        }
        if (answer.verdict() != ReceiverAnswer.Verdict.DELIVERED) {
            log.debug("Webhook {}: attempt {} of {} {} of request {}: {}", dispatch.webhook().name(),
                    dispatch.attempt(), dispatch.notification().type().wireName(), dispatch.notification().id(),
                    dispatch.notification().requestId(), answer.describe());
        }
        step.outcomes().forEach(this::report);
        send(step.dispatches());
    }

    private void report(DeliveryOutcome outcome) {
        meters.counter(DELIVERIES, "outcome", outcome.delivered() ? "delivered" : "given_up",
                "webhook", outcome.webhook().name()).increment();
        if (!outcome.delivered()) {
            log.warn("Webhook {} gave up {} {} of request {} after {} attempts: {}", outcome.webhook().name(),
                    outcome.notification().type().wireName(), outcome.notification().id(),
                    outcome.notification().requestId(), outcome.attempts(), outcome.detail());
        }
    }

    private void commit(Map<Source, Notifier.Commit> commits) {
        Map<TopicPartition, OffsetAndMetadata> changed = new HashMap<>();
        offsets(commits).forEach((partition, offset) -> {
            if (!offset.equals(committed.get(partition))) {
                changed.put(partition, offset);
            }
        });
        if (changed.isEmpty()) {
            return;
        }
        committed.putAll(changed);
        consumer.commitAsync(changed, (offsets, error) -> {
            if (error != null) {
                // Committed again at the next change or at the next rebalance; until then a restart repeats more.
                offsets.keySet().forEach(committed::remove);
                log.warn("Webhook offsets not committed: {}", error.getMessage());
            }
        });
    }

    /** Pauses consumption while too much is unfinished; resumes at half, so it does not flap. */
    private void applyBackpressure() {
        int unfinished = backlog.get();
        if (!pausedForBacklog && unfinished >= maxBacklog) {
            pausedForBacklog = true;
            consumer.pause(consumer.assignment());
            log.warn("Webhook notifier pauses: {} notifications unfinished (lapse.notify.max-backlog {})", unfinished,
                    maxBacklog);
        } else if (pausedForBacklog && unfinished <= maxBacklog / 2) {
            pausedForBacklog = false;
            List<TopicPartition> resumed = new ArrayList<>(consumer.assignment());
            resumed.removeAll(registryWaits.keySet());
            consumer.resume(resumed);
            log.info("Webhook notifier resumes: {} notifications unfinished", unfinished);
        }
    }

    private void endRegistryWaits(long nowMs) {
        Iterator<Map.Entry<TopicPartition, Long>> waits = registryWaits.entrySet().iterator();
        while (waits.hasNext()) {
            Map.Entry<TopicPartition, Long> wait = waits.next();
            if (wait.getValue() <= nowMs) {
                waits.remove();
                if (!pausedForBacklog) {
                    consumer.resume(List.of(wait.getKey()));
                }
            }
        }
    }

    private void closeConsumer() {
        Consumer<String, byte[]> current = consumer;
        if (current == null) {
            return;
        }
        try {
            commitFinished(current);
            current.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("Webhook consumer closed with an error: {}", e.getMessage());
        } finally {
            consumer = null;
            forget();
        }
    }

    /** Commits what has finished, synchronously: before giving partitions up, and before closing. */
    private void commitFinished(Consumer<String, byte[]> current) {
        Map<Source, Notifier.Commit> commits;
        synchronized (notifier) {
            commits = notifier.commits(clock.millis());
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = offsets(commits);
        if (offsets.isEmpty()) {
            return;
        }
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                current.commitSync(offsets, Duration.ofSeconds(5));
                return;
            } catch (WakeupException e) {
                // A stop() woke the consumer just now; the wake-up is used up, so the second attempt runs.
            } catch (KafkaException e) {
                log.warn("Webhook offsets not committed; a restart repeats deliveries since the last commit: {}",
                        e.getMessage());
                return;
            }
        }
    }

    private void forget() {
        synchronized (notifier) {
            notifier.revoked();
            backlog.set(0);
        }
        committed.clear();
        registryWaits.clear();
        pausedForBacklog = false;
    }

    private final ConsumerRebalanceListener rebalance = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                commitFinished(consumer);
                forget();
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> offsets = consumer.committed(new HashSet<>(partitions));
            Map<Source, Notifier.Restored> restored = new HashMap<>();
            offsets.forEach((partition, offset) -> {
                if (offset != null) {
                    committed.put(partition, offset);
                    Notifier.Restored.parse(offset.metadata()).ifPresent(r -> restored.put(source(partition), r));
                }
            });
            // Resolve positions now (the committed offset, or the end for a new group), so that everything written
            // from here on is read.
            partitions.forEach(consumer::position);
            List<Source> sources = partitions.stream().map(WebhookFeed::source).toList();
            synchronized (notifier) {
                notifier.assigned(sources, restored);
            }
            ready = true;
            log.info("Webhook notifier reads {} partitions, {} of them resumed from a commit", partitions.size(),
                    restored.size());
        }
    };

    private static Map<TopicPartition, OffsetAndMetadata> offsets(Map<Source, Notifier.Commit> commits) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        commits.forEach((source, commit) -> offsets.put(new TopicPartition(source.topic(), source.partition()),
                new OffsetAndMetadata(commit.offset(), commit.metadata())));
        return offsets;
    }

    private static Source source(TopicPartition partition) {
        return new Source(partition.topic(), partition.partition());
    }

    private static Source source(ConsumerRecord<?, ?> record) {
        return new Source(record.topic(), record.partition());
    }
}
