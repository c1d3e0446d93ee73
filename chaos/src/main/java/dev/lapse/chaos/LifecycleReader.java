package dev.lapse.chaos;

import dev.lapse.chaos.report.Expiry;
import dev.lapse.chaos.report.GrantTrail;
import dev.lapse.chaos.report.Lifecycle;
import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRejected;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.AccessWithdrawn;
import dev.lapse.event.ExpiryReason;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what happened to every request from the lifecycle topics, from their beginning and with read_committed, as
 * any downstream consumer would: outcomes come from the topics, never from the REST read model. One thread owns the
 * consumer; the others read snapshots.
 */
final class LifecycleReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LifecycleReader.class);
    private static final List<String> TOPICS = List.of(Topics.ACCESS_REQUESTED.name(), Topics.ACCESS_REJECTED.name(),
            Topics.ACCESS_APPROVED.name(), Topics.ACCESS_DENIED.name(), Topics.ACCESS_GRANTED.name(),
            Topics.ACCESS_EXPIRED.name(), Topics.ACCESS_WITHDRAWN.name());

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer deserializer = new AvroDeserializer();
    private final Map<String, Tracker> requests = new ConcurrentHashMap<>();
    private final AtomicLong lastEventAtMs = new AtomicLong();
    private final AtomicLong lastGrantReadAtMs = new AtomicLong();
    private final AtomicLong caughtUpAtMs = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final Thread owner;
    private volatile boolean running = true;

    /** A grant as its {@code AccessGranted} announced it. */
    record Grant(String grantId, long grantedAtMs, long expiresAtMs) {
    }

    LifecycleReader(String bootstrapServers, String registryUrl) {
        deserializer.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", "true"), false);
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers,
                "isolation.level", "read_committed", "enable.auto.commit", "false", "max.poll.records", "2000"),
                new StringDeserializer(), new ByteArrayDeserializer());
        owner = new Thread(this::run, "lapse-chaos-lifecycle-reader");
        owner.setDaemon(true);
    }

    /** Assigns every partition of the lifecycle topics from their beginning and starts reading. */
    void start() {
        List<TopicPartition> partitions = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(60);
        for (String topic : TOPICS) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            while (infos.isEmpty() && Instant.now().isBefore(deadline)) {
                ServiceProcess.pause(Duration.ofMillis(200));
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            }
            if (infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist; the services declare it at start");
            }
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        owner.start();
    }

    private void run() {
        long nextCheckMs = 0;
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    apply(record);
                }
                long now = System.currentTimeMillis();
                if (now >= nextCheckMs) {
                    nextCheckMs = now + 250;
                    checkCaughtUp(now);
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void checkCaughtUp(long now) {
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(2));
            boolean caughtUp = ends.entrySet().stream()
                    .allMatch(end -> consumer.position(end.getKey(), Duration.ofSeconds(2)) >= end.getValue());
            if (caughtUp) {
                caughtUpAtMs.set(now);
            }
        } catch (KafkaException brokerAway) {
            // The broker is restarting; try again on the next check.
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        Object event;
        try {
            event = deserializer.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            if (unreadable.getAndIncrement() == 0) {
                log.warn("Unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                        e.getMessage());
            }
            return;
        }
        String key = record.key() == null ? "" : record.key();
        Tracker tracker = requests.computeIfAbsent(key, Tracker::new);
        if (event instanceof AccessRequested) {
            tracker.requested();
        } else if (event instanceof AccessRejected) {
            tracker.rejected();
        } else if (event instanceof AccessApproved) {
            tracker.approved();
        } else if (event instanceof AccessDenied) {
            tracker.denied();
        } else if (event instanceof AccessGranted granted) {
            tracker.granted(new Grant(granted.getGrantId(), granted.getGrantedAt().toEpochMilli(),
                    granted.getExpiresAt().toEpochMilli()), granted.getProvisioned());
            lastGrantReadAtMs.set(System.currentTimeMillis());
        } else if (event instanceof AccessExpired expired) {
            tracker.expired(new Expiry(expired.getExpiresAt().toEpochMilli(), expired.getOccurredAt().toEpochMilli(),
                    expired.getReason() == ExpiryReason.TIME_ELAPSED));
        } else if (event instanceof AccessWithdrawn withdrawn) {
            tracker.withdrawn(new GrantTrail.Withdrawal(withdrawn.getOccurredAt().toEpochMilli(),
                    withdrawn.getWithdrawn()));
        } else {
            log.warn("Unexpected {} on {}", event == null ? "tombstone" : event.getClass().getSimpleName(),
                    record.topic());
        }
        lastEventAtMs.set(System.currentTimeMillis());
    }

    /** Every request id's events so far. */
    Map<String, Lifecycle> snapshot() {
        Map<String, Lifecycle> snapshot = new HashMap<>();
        requests.forEach((id, tracker) -> snapshot.put(id, tracker.lifecycle()));
        return snapshot;
    }

    /** What each granted request's grant provisioned and withdrew, by request id. */
    Map<String, GrantTrail> trails() {
        Map<String, GrantTrail> trails = new HashMap<>();
        requests.forEach((id, tracker) -> tracker.trail().ifPresent(trail -> trails.put(id, trail)));
        return trails;
    }

    /** The first grant of a request, once its {@code AccessGranted} was read. */
    Optional<Grant> grant(String requestId) {
        Tracker tracker = requests.get(requestId);
        return tracker == null ? Optional.empty() : tracker.firstGrant();
    }

    boolean settled(String requestId) {
        Tracker tracker = requests.get(requestId);
        return tracker != null && tracker.lifecycle().settled();
    }

    /** When the last event was read, epoch ms. */
    long lastEventAtMs() {
        return lastEventAtMs.get();
    }

    /** When the last {@code AccessGranted} was read, epoch ms. */
    long lastGrantReadAtMs() {
        return lastGrantReadAtMs.get();
    }

    /** When the reader last stood at the end (the last stable offset) of every partition, epoch ms. */
    long caughtUpAtMs() {
        return caughtUpAtMs.get();
    }

    long unreadable() {
        return unreadable.get();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            owner.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The events of one request id; synchronized, as the reader thread writes while others read. */
    private static final class Tracker {
        private final String requestId;
        private int requested;
        private int approved;
        private int denied;
        private int rejected;
        private final List<Grant> grants = new ArrayList<>();
        private final List<Expiry> expiries = new ArrayList<>();
        private final List<List<String>> provisioned = new ArrayList<>();
        private final List<GrantTrail.Withdrawal> withdrawals = new ArrayList<>();

        Tracker(String requestId) {
            this.requestId = requestId;
        }

        synchronized void requested() {
            requested++;
        }

        synchronized void approved() {
            approved++;
        }

        synchronized void denied() {
            denied++;
        }

        synchronized void rejected() {
            rejected++;
        }

        synchronized void granted(Grant grant, List<String> done) {
            grants.add(grant);
            provisioned.add(List.copyOf(done));
        }

        synchronized void expired(Expiry expiry) {
            expiries.add(expiry);
        }

        synchronized void withdrawn(GrantTrail.Withdrawal withdrawal) {
            withdrawals.add(withdrawal);
        }

        synchronized Optional<GrantTrail> trail() {
            return grants.isEmpty() ? Optional.empty() : Optional.of(new GrantTrail(requestId,
                    grants.get(0).grantId(), provisioned.get(0), withdrawals));
        }

        synchronized Optional<Grant> firstGrant() {
            return grants.isEmpty() ? Optional.empty() : Optional.of(grants.get(0));
        }

        synchronized Lifecycle lifecycle() {
            return new Lifecycle(requestId, requested, approved, denied, rejected, grants.size(),
                    grants.stream().map(Grant::expiresAtMs).toList(), expiries, withdrawals.size(),
                    grants.stream().map(Grant::grantedAtMs).toList());
        }
    }
}
