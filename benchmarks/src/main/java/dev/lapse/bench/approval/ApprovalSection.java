package dev.lapse.bench.approval;

import dev.lapse.bench.BenchOptions;
import dev.lapse.bench.Section;
import dev.lapse.bench.Stand;
import dev.lapse.bench.kafka.ClientSettings;
import dev.lapse.bench.report.Measurement;
import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ApprovalVoteCast;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.Scope;
import dev.lapse.event.Vote;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.serde.AvroSerializer;
import dev.lapse.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vote → granted on the running stack: requests that the sample policies put on hold (a secret column needs a
 * {@code support} peer AND a {@code data-owners} member), one after the other; for each, once it is pending, the
 * peer's vote and then the owner's, the deciding one, written to {@code lapse.approval.votes} as request-service
 * writes them; measured from the deciding vote's write to its {@code AccessGranted} being seen, read_committed. The
 * policy-engine decides in the transaction that consumes that vote, then the grant-issuer grants: two hops.
 */
public final class ApprovalSection implements Section {

    /** Row id: deciding vote → AccessGranted. */
    public static final String VOTE_TO_GRANTED = "approval.vote-to-granted";

    private static final Logger log = LoggerFactory.getLogger(ApprovalSection.class);
    private static final String SECTION = "Approvals";
    private static final Duration CAP = Duration.ofSeconds(30);

    private final int requests;

    public ApprovalSection(BenchOptions options) {
        this.requests = options.mode().equals("full") ? 200 : 5;
    }

    @Override
    public String name() {
        return SECTION;
    }

    @Override
    public List<Row> run(Stand stand, Table soFar) throws Exception {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stand.registryUrl()), false);
        String run = UUID.randomUUID().toString().substring(0, 8);
        long[] latencies = new long[requests];
        try (Seen seen = Seen.start(stand.bootstrapServers());
                KafkaProducer<String, Object> producer = new KafkaProducer<>(
                        ClientSettings.producer(stand.bootstrapServers()), new StringSerializer(), serializer)) {
            for (int i = 0; i < requests; i++) {
                String id = "bench-approval-" + run + "-" + i;
                producer.send(new ProducerRecord<>(Topics.ACCESS_REQUESTED.name(), id, request(id))).get();
                seen.await(seen.pending, id, "pending");
                producer.send(new ProducerRecord<>(Topics.APPROVAL_VOTES.name(), id,
                        vote(id, "bench-peer@example.com", "support"))).get();
                long decidingAt = System.nanoTime();
                producer.send(new ProducerRecord<>(Topics.APPROVAL_VOTES.name(), id,
                        vote(id, "bench-owner@example.com", "data-owners"))).get();
                latencies[i] = seen.await(seen.granted, id, "granted") - decidingAt;
            }
        } catch (IllegalStateException e) {
            log.warn("Approvals: {}", e.getMessage());
            return List.of(new Row(VOTE_TO_GRANTED, SECTION, figure(), new Measurement.Missing(e.getMessage()), ""));
        }
        Arrays.sort(latencies);
        return List.of(new Row(VOTE_TO_GRANTED, SECTION, figure(), new Measurement.Latency(
                percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 0.999), requests,
                true), requests + " requests one after the other, each needing two approvers"));
    }

    private static String figure() {
        return "deciding vote → granted (policy-engine decides, grant-issuer grants)";
    }

    private static double percentile(long[] sortedNanos, double quantile) {
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(quantile * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }

    private static AccessRequested request(String id) {
        return AccessRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setRequestId(id).setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.USER, "bench-requester@example.com"))
                .setRequester(new Requester("bench-requester@example.com", List.of("support")))
                .setResource(new Resource("postgres", "crm.public.customers"))
                .setScope(new Scope(List.of("SELECT"), List.of("id", "ssn"), null))
                .setReason("benchmark: a request that needs two approvers").setTicket("INC-1")
                .setRequestedDurationMs(Duration.ofMinutes(30).toMillis()).setSourceSystem("benchmarks").build();
    }

    private static ApprovalVoteCast vote(String id, String voter, String group) {
        return ApprovalVoteCast.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setRequestId(id).setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.USER, voter)).setVoter(voter).setVote(Vote.APPROVE)
                .setComment(null).setVoterGroups(List.of(group)).build();
    }

    /** When each request was seen pending and granted (or denied), read_committed from the topics' end. */
    private static final class Seen implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, Long> pending = new ConcurrentHashMap<>();
        private final Map<String, Long> granted = new ConcurrentHashMap<>();
        private final Map<String, Long> denied = new ConcurrentHashMap<>();
        private final CountDownLatch positioned = new CountDownLatch(1);
        private final Thread thread;
        private volatile boolean closing;

        private Seen(String bootstrapServers) {
            consumer = new KafkaConsumer<>(ClientSettings.reader(bootstrapServers), new StringDeserializer(),
                    new ByteArrayDeserializer());
            thread = new Thread(this::watch, "bench-watch-approvals");
            thread.setDaemon(true);
        }

        static Seen start(String bootstrapServers) throws InterruptedException {
            Seen seen = new Seen(bootstrapServers);
            seen.thread.start();
            if (!seen.positioned.await(60, TimeUnit.SECONDS)) {
                seen.close();
                throw new IllegalStateException("the watcher of the approval topics was not positioned within 60 s");
            }
            return seen;
        }

        private void watch() {
            List<String> topics = List.of(Topics.APPROVAL_PENDING.name(), Topics.ACCESS_GRANTED.name(),
                    Topics.ACCESS_DENIED.name());
            try {
                List<TopicPartition> partitions = new ArrayList<>();
                topics.forEach(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition()))));
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                positioned.countDown();
                while (!closing) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    long now = System.nanoTime();
                    for (ConsumerRecord<String, byte[]> record : records) {
                        Map<String, Long> into = record.topic().equals(Topics.APPROVAL_PENDING.name()) ? pending
                                : record.topic().equals(Topics.ACCESS_GRANTED.name()) ? granted : denied;
                        into.putIfAbsent(record.key(), now);
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } finally {
                positioned.countDown();
                consumer.close(Duration.ofSeconds(5));
            }
        }

        /** When {@code id} was seen in {@code which}; throws if it was denied or not seen within the cap. */
        long await(Map<String, Long> which, String id, String what) throws InterruptedException {
            long deadline = System.nanoTime() + CAP.toNanos();
            while (System.nanoTime() < deadline) {
                Long at = which.get(id);
                if (at != null) {
                    return at;
                }
                if (denied.containsKey(id)) {
                    throw new IllegalStateException("request " + id + " was denied instead of " + what
                            + ": do the policies hold the sample rule crm-read-secret-columns?");
                }
                Thread.sleep(1);
            }
            throw new IllegalStateException("request " + id + " was not " + what + " within " + CAP);
        }

        @Override
        public void close() {
            closing = true;
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
