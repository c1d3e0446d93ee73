package dev.lapse.revoker.kafka;

import dev.lapse.event.AccessGranted;
import dev.lapse.event.RevocationRequested;
import dev.lapse.revoker.expiry.ActiveGrant;
import dev.lapse.revoker.expiry.Effect;
import dev.lapse.revoker.expiry.Ending;
import dev.lapse.revoker.expiry.ExpirySchedule;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.BatchTransactions;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.Partitions;
import dev.lapse.schemas.kafka.RejectedRecordException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The revoker's one thread: it consumes grants and revocations, keeps the {@link ExpirySchedule}, and announces
 * every ending, in one Kafka transaction per loop that holds the {@code AccessExpired} events, the durable state of
 * every request touched (the compacted {@link Topics#REVOKER_STATE}) and the consumed offsets. So a crash at any
 * point leaves Kafka either before or after a whole step, never between; the schedule in memory is only a cache
 * of that state.
 *
 * <p><b>Ownership.</b> Grants and revocations of a request share its partition number, and the consumer uses the
 * range assignor, so one instance owns partition p of both topics and of the state. When partitions are assigned,
 * their state is read back inside the rebalance, with whatever arrived on their inputs while nobody owned them,
 * before the poll fetches anything newer (so nothing is decided against a half-restored schedule); overdue grants
 * then end at once, in that loop's transaction, with their lateness in {@code lateByMs}. When partitions are revoked,
 * their grants are forgotten before the rebalance completes, so two instances never announce the same ending.
 *
 * <p><b>Failures.</b> Anything that goes wrong in a loop (registry or broker down) aborts the transaction, drops the
 * whole cache, rewinds to the committed offsets and restores again, with a capped backoff; one line is logged when
 * the loop starts waiting and one when it resumes. A commit that fails is settled instead: every transaction stamps
 * its consumed offsets, so the loop can tell whether it landed all the same, and it keeps its schedule, with a new
 * producer, after committing the same transaction again if it did not land (see {@link #settle}); only when that
 * fails too does it restore. A record that can never be read is parked in its dead-letter topic inside the
 * transaction, and the loop goes on.
 *
 * <p><b>Time.</b> The loop polls for at most the time until the wheel's next bucket, so it wakes for an expiry
 * without a busy tick, and reads time only from the injected {@link Clock}.
 */
final class ExpiryLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ExpiryLoop.class);
    private static final long MAX_IDLE_MS = 500;
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> INPUTS = List.of(Topics.ACCESS_GRANTED.name(), Topics.REVOCATION_REQUESTED.name());

    private final ExpirySchedule.Options options;
    private final RevokerClients clients;
    private final EventDecoder decoder;
    private final StateReader stateReader;
    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong restoreCompletedEpochMs = new AtomicLong();
    private final AtomicLong activeGrants = new AtomicLong();
    private final AtomicLong waiting = new AtomicLong();
    private final AtomicLong ownedRestored = new AtomicLong();
    private final Counter expired;
    private final Timer expiryLag;
    private final Timer restoreDuration;
    private final DistributionSummary recordsPerTransaction;
    private final Counter restoredRecords;
    private final Counter commitFailuresLanded;
    private final Counter commitFailuresLost;
    /** Marks this loop's transactions in the metadata of their consumed offsets; see {@link #settle}. */
    private final String stampPrefix = "lapse-revoker/" + UUID.randomUUID().toString().substring(0, 8) + "/";
    private long transactions;

    private volatile boolean running;
    private Thread owner;
    private ExpirySchedule schedule;
    private KafkaConsumer<String, byte[]> consumer;
    private Producer<String, Object> producer;
    /** Partition numbers owned, their state read back. */
    private final Set<Integer> owned = new TreeSet<>();
    /** What the next transaction holds: records to write, offsets consumed, time-elapsed endings to report. */
    private final List<ProducerRecord<String, Object>> pendingRecords = new ArrayList<>();
    private final Map<TopicPartition, OffsetAndMetadata> pendingOffsets = new HashMap<>();
    private final List<Ending> pendingEndings = new ArrayList<>();

    ExpiryLoop(ExpirySchedule.Options options, RevokerClients clients, EventDecoder decoder, Clock clock,
            MeterRegistry meters) {
        this.options = options;
        this.clients = clients;
        this.decoder = decoder;
        this.stateReader = new StateReader(decoder);
        this.clock = clock;
        meters.gauge("lapse.revoker.active.grants", activeGrants);
        meters.gauge("lapse.revoker.restore.completed.epoch.ms", restoreCompletedEpochMs);
        meters.gauge("lapse.revoker.waiting", waiting);
        meters.gauge("lapse.revoker.partitions.owned", ownedRestored);
        this.expired = meters.counter("lapse.revoker.expired");
        this.expiryLag = Timer.builder("lapse.revoker.expiry.lag")
                .description("commit time of each time-elapsed AccessExpired minus the grant's expiresAt")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(meters);
        this.recordsPerTransaction = DistributionSummary.builder(BatchTransactions.RECORDS_PER_TRANSACTION)
                .description("Records handled per committed Kafka transaction").tag("listener", "revoker")
                .publishPercentileHistogram().register(meters);
        this.restoreDuration = Timer.builder("lapse.revoker.restore")
                .description("time to read back the state of newly assigned partitions and what arrived meanwhile")
                .register(meters);
        this.restoredRecords = Counter.builder("lapse.revoker.restore.records")
                .description("state records read back by restores").register(meters);
        this.commitFailuresLanded = commitFailures(meters, "landed");
        this.commitFailuresLost = commitFailures(meters, "lost");
    }

    private static Counter commitFailures(MeterRegistry meters, String outcome) {
        return Counter.builder("lapse.revoker.commit.failures")
                .description("commits that failed, by what Kafka then held: landed (the schedule stands) or lost"
                        + " (committed again)")
                .tag("outcome", outcome).register(meters);
    }

    private void run() {
        long backoffMs = 0;
        int attempts = 0;
        long waitingSinceMs = 0;
        while (running) {
            try {
                if (consumer == null) {
                    open();
                }
                loopOnce();
                if (attempts > 0) {
                    log.info("revoker resumed after {} attempts in {} ms", attempts, clock.millis() - waitingSinceMs);
                    waiting.set(0);
                }
                attempts = 0;
                backoffMs = 0;
            } catch (WakeupException e) {
                // stop() woke the consumer; the loop condition ends it.
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                attempts++;
                if (attempts == 1) {
                    waitingSinceMs = clock.millis();
                    waiting.set(1);
                    log.warn("revoker waits: {}; retrying with backoff up to {} ms", DeadLetterRouting.reason(e),
                            MAX_BACKOFF_MS);
                    log.debug("revoker failure", e);
                }
                backoffMs = backoffMs == 0 ? FIRST_BACKOFF_MS : Math.min(backoffMs * 2, MAX_BACKOFF_MS);
                reset();
                pause(backoffMs);
            }
        }
        close();
    }

    private void loopOnce() {
        long nowMs = clock.millis();
        long waitMs = schedule.nextWakeUpMs().isPresent()
                ? Math.max(0, Math.min(MAX_IDLE_MS, schedule.nextWakeUpMs().getAsLong() - nowMs))
                : MAX_IDLE_MS;
        // A rebalance inside this poll restores the assigned partitions and catches up with their inputs.
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(waitMs));
        Instant now = clock.instant();
        records.forEach(record -> consume(record, now));
        expireDue(now);
        commit(records.count() + pendingEndings.size());
    }

    /** Applies one consumed record to the schedule; what it calls for goes into the next transaction. */
    private void consume(ConsumerRecord<String, byte[]> record, Instant now) {
        pendingOffsets.put(new TopicPartition(record.topic(), record.partition()),
                new OffsetAndMetadata(record.offset() + 1));
        try {
            Effect effect = apply(record);
            pendingRecords.addAll(ExpiryRecords.of(effect, now));
            report(effect);
        } catch (RejectedRecordException e) {
            log.warn("Parking {}-{}@{} in its dead-letter topic: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            pendingRecords.add(ExpiryRecords.deadLetter(record, e.getMessage()));
        }
    }

    private void expireDue(Instant now) {
        List<Ending> endings = schedule.advanceTo(now.toEpochMilli());
        endings.forEach(ending -> pendingRecords.addAll(ExpiryRecords.ended(ending, now)));
        pendingEndings.addAll(endings);
    }

    /**
     * Writes what the loop decided, with the consumed offsets, in one transaction.
     *
     * @param handled the records consumed and the grants ended by this loop, for the records-per-transaction metric
     */
    private void commit(int handled) {
        if (!pendingRecords.isEmpty() || !pendingOffsets.isEmpty()) {
            String stamp = stampPrefix + (++transactions);
            Map<TopicPartition, OffsetAndMetadata> offsets = stamped(stamp);
            beginWith(offsets);
            try {
                producer.commitTransaction();
            } catch (KafkaException e) {
                settle(offsets, stamp, e);
            }
            recordsPerTransaction.record(handled);
        }
        pendingEndings.forEach(ending -> report(new Effect.Ended(ending)));
        clearPending();
        activeGrants.set(schedule.size());
    }

    /**
     * The consumed offsets, one of them carrying {@code stamp} in its metadata, so that the group's committed offsets
     * tell whether this transaction landed. A transaction that consumed nothing (only grants that fell due) stamps
     * an owned input's position, where its committed offset stands already: everything before the position was
     * consumed by this or an earlier transaction.
     */
    private Map<TopicPartition, OffsetAndMetadata> stamped(String stamp) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(pendingOffsets);
        TopicPartition marker;
        long offset;
        if (!offsets.isEmpty()) {
            Map.Entry<TopicPartition, OffsetAndMetadata> first = offsets.entrySet().iterator().next();
            marker = first.getKey();
            offset = first.getValue().offset();
        } else if (!owned.isEmpty()) {
            marker = new TopicPartition(Topics.ACCESS_GRANTED.name(), owned.iterator().next());
            offset = consumer.position(marker);
        } else {
            return offsets;
        }
        offsets.put(marker, new OffsetAndMetadata(offset, stamp));
        return offsets;
    }

    /** Begins a transaction holding what the loop decided and {@code offsets}; the caller commits it. */
    private void beginWith(Map<TopicPartition, OffsetAndMetadata> offsets) {
        producer.beginTransaction();
        pendingRecords.forEach(producer::send);
        if (!offsets.isEmpty()) {
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        }
    }

    /**
     * After a commit that failed. A failed commit may still have landed (seen once under load: the coordinator had
     * committed, and answered the client's commit with "state is COMPLETE_COMMIT"); then the schedule in memory is
     * exactly what Kafka holds. If it did not land, the schedule is exactly what Kafka would hold had it landed, since
     * nothing else writes these partitions: committing the same records and offsets again makes the two agree.
     * Either way restoring every grant, which makes the revoker seconds late, is not needed. A new producer with the
     * same transactional id settles the failed transaction (it fences the old one and waits for the outcome), and the
     * stamp in the group's committed offsets says which it was. Should the group have moved these partitions to
     * another instance meanwhile, the second commit is refused (its offsets carry this consumer's generation), and
     * like any other failure here that resets the loop.
     */
    private void settle(Map<TopicPartition, OffsetAndMetadata> offsets, String stamp, KafkaException failure) {
        TopicPartition marker = offsets.entrySet().stream().filter(e -> stamp.equals(e.getValue().metadata()))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> failure);
        closeProducer(Duration.ZERO);
        openProducer();
        OffsetAndMetadata committed = consumer.committed(Set.of(marker), SETTLE_TIMEOUT).get(marker);
        if (committed != null && stamp.equals(committed.metadata())) {
            commitFailuresLanded.increment();
            log.warn("revoker's commit failed ({}), but the transaction landed: the schedule stands",
                    DeadLetterRouting.reason(failure));
            return;
        }
        commitFailuresLost.increment();
        log.warn("revoker's commit failed ({}) and did not land: committing the same {} records again",
                DeadLetterRouting.reason(failure), pendingRecords.size());
        beginWith(offsets);
        producer.commitTransaction();
    }

    private void clearPending() {
        pendingRecords.clear();
        pendingOffsets.clear();
        pendingEndings.clear();
    }

    private Effect apply(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(Topics.ACCESS_GRANTED.name())) {
            AccessGranted granted = decoder.decode(record, AccessGranted.class);
            return schedule.watch(ExpiryRecords.activeGrant(granted));
        }
        RevocationRequested revocation = decoder.decode(record, RevocationRequested.class);
        return schedule.revoke(revocation.getRequestId(), revocation.getReason());
    }

    private void report(Effect effect) {
        if (effect instanceof Effect.Ended ended) {
            Ending ending = ended.ending();
            ActiveGrant grant = ending.grant();
            long lateMs = clock.millis() - grant.expiresAt().toEpochMilli();
            expired.increment();
            if (ending.reason() == Ending.Reason.TIME_ELAPSED) {
                expiryLag.record(lateMs, TimeUnit.MILLISECONDS);
            }
            log.debug("Grant {} for request {} ended: {} (due {}, {} ms late)", grant.grantId(), grant.requestId(),
                    ending.reason(), grant.expiresAt(), lateMs);
        } else if (effect instanceof Effect.Ignored ignored) {
            log.warn("Request {}: {}; nothing changes", ignored.requestId(), ignored.why());
        }
    }

    /**
     * Reads back the durable state of newly assigned partitions, on the consumer's thread inside the rebalance, so
     * that the poll which assigned them fetches their records only after their grants are known.
     */
    private void restore(Set<Integer> partitions) {
        long startMs = clock.millis();
        Map<TopicPartition, Long> positions = new HashMap<>();
        inputs(partitions).forEach(tp -> positions.put(tp, consumer.position(tp)));
        List<TopicPartition> stateParts = partitions.stream()
                .map(p -> new TopicPartition(Topics.REVOKER_STATE.name(), p)).toList();
        int records = 0;
        try (KafkaConsumer<String, byte[]> reader = clients.restoreConsumers().get()) {
            reader.assign(stateParts);
            reader.seekToBeginning(stateParts);
            // Under read_committed, the end offsets are the last stable offsets: all that was committed.
            Map<TopicPartition, Long> ends = reader.endOffsets(stateParts);
            while (stateParts.stream().anyMatch(tp -> reader.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(100))) {
                    restore(record);
                    records++;
                }
            }
        }
        long readMs = clock.millis() - startMs;
        int caughtUp = catchUp(positions);
        Set<Integer> restored = new TreeSet<>(partitions);
        activeGrants.set(schedule.size());
        long tookMs = clock.millis() - startMs;
        restoreDuration.record(tookMs, TimeUnit.MILLISECONDS);
        restoredRecords.increment(records);
        restoreCompletedEpochMs.set(clock.millis());
        // Back: whatever fell due while nobody owned these partitions ends now, in the loop's next transaction.
        expireDue(clock.instant());
        ownedRestored.set(owned.size());
        log.info("Restored partitions {} from {} state records ({} records/s) and {} records that arrived meanwhile"
                + " in {} ms: {} grants watched, {} revocations held", restored, records,
                readMs == 0 ? records : records * 1000L / readMs, caughtUp, tookMs, schedule.size(),
                schedule.heldRevocations());
    }

    /**
     * Reads what arrived on the inputs while nobody owned them (grants issued, revocations asked for while the
     * revoker was down), from the committed positions to the last stable offsets, and moves the consumer past it:
     * those grants are known before the restore counts as done, so the overdue ones end at once, like the restored
     * ones, instead of a poll later. Their effects and offsets go into the loop's next transaction; should that fail,
     * everything is restored again from the committed positions.
     */
    private int catchUp(Map<TopicPartition, Long> positions) {
        List<TopicPartition> inputs = List.copyOf(positions.keySet());
        Instant now = clock.instant();
        int records = 0;
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<String, byte[]> reader = clients.restoreConsumers().get()) {
            reader.assign(inputs);
            positions.forEach(reader::seek);
            ends = reader.endOffsets(inputs);
            while (inputs.stream().anyMatch(tp -> reader.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(100))) {
                    consume(record, now);
                    records++;
                }
            }
        }
        ends.forEach(consumer::seek);
        return records;
    }

    private void restore(ConsumerRecord<String, byte[]> record) {
        try {
            stateReader.restore(record, schedule);
        } catch (RejectedRecordException e) {
            log.error("Unreadable revoker state {}-{}@{} skipped: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    private final ConsumerRebalanceListener rebalance = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Set<Integer> numbers = numbers(partitions);
            owned.removeAll(numbers);
            ownedRestored.set(owned.size());
            int dropped;
            if (owned.isEmpty()) {
                // All given up (a stop, or a rebalance that moves everything): drop the schedule whole instead of
                // hashing each of possibly millions of request ids to its partition.
                dropped = schedule.size() + schedule.heldRevocations();
                schedule = new ExpirySchedule(options, clock.millis());
            } else {
                dropped = schedule.forget(requestId -> numbers.contains(Partitions.of(requestId)));
            }
            activeGrants.set(schedule.size());
            if (!numbers.isEmpty()) {
                log.info("Gave up partitions {}: {} grants and held revocations handed over", numbers, dropped);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Set<Integer> numbers = numbers(partitions);
            numbers.removeAll(owned);
            owned.addAll(numbers);
            if (!numbers.isEmpty()) {
                // A failure here is thrown out of poll(); the loop then resets and restores again.
                restore(numbers);
            }
        }
    };

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new HashSet<>();
        partitions.forEach(tp -> numbers.add(tp.partition()));
        return numbers;
    }

    private static List<TopicPartition> inputs(Collection<Integer> numbers) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : INPUTS) {
            numbers.forEach(p -> partitions.add(new TopicPartition(topic, p)));
        }
        return partitions;
    }

    private void open() {
        schedule = new ExpirySchedule(options, clock.millis());
        openProducer();
        consumer = clients.consumers().get();
        consumer.subscribe(INPUTS, rebalance);
    }

    /**
     * A new producer with the loop's transactional id: it fences any predecessor with the same id and settles its
     * open transaction at once (a crashed instance's is aborted; one whose commit was under way ends as it ends).
     */
    private void openProducer() {
        producer = clients.producers().get();
        producer.initTransactions();
    }

    /**
     * After a failure: nothing in memory can be trusted, so abort, forget everything, and read it all back from the
     * committed state. The simplest correct recovery: the consumer and producer start afresh, as after a restart.
     */
    private void reset() {
        close();
        clearPending();
        owned.clear();
        schedule = null;
        activeGrants.set(0);
        ownedRestored.set(0);
    }

    private void close() {
        closeProducer(Duration.ofSeconds(5));
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (KafkaException e) {
                log.debug("closing the revoker's consumer failed", e);
            }
            consumer = null;
        }
    }

    private void closeProducer(Duration timeout) {
        if (producer != null) {
            try {
                producer.close(timeout);
            } catch (KafkaException e) {
                log.debug("closing the revoker's producer failed", e);
            }
            producer = null;
        }
    }

    private void pause(long ms) {
        try {
            stopped.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void start() {
        running = true;
        owner = new Thread(this::run, "lapse-revoker-loop");
        owner.start();
    }

    @Override
    public void stop() {
        running = false;
        stopped.countDown();
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (owner != null) {
            try {
                owner.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
