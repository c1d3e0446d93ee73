package dev.lapse.audit.kafka;

import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.CanonicalJson;
import dev.lapse.audit.chain.ChainId;
import dev.lapse.audit.log.AuditLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * Appends every committed record of every Lapse topic (dead-letter topics too) to its partition's chain, in offset
 * order. The chain files are the state: on assignment each partition resumes right after the last offset on disk, so
 * a restart neither skips nor repeats a record, and a replay from offset 0 gives byte-identical files. Every record
 * gets an entry ({@link RecordEntries}); the only failures are of the world, an unreachable registry or a failing
 * disk, and then the record is retried until it can be audited ({@link AuditWaiting}), never skipped.
 */
@Component
class AuditListener implements ConsumerSeekAware {

    /**
     * Every Lapse topic and its dead-letter topic, but not a service's own state ({@code lapse.state.<service>.<name>},
     * compacted topics that are not events). Java's lookahead is fine here: the classic consumer group protocol
     * matches patterns in the client; KIP-848's broker-side RE2J matching would refuse it.
     */
    static final String TOPIC_PATTERN = "lapse\\.(?!state\\.).+";

    private static final Logger log = LoggerFactory.getLogger(AuditListener.class);

    private final AuditLog auditLog;
    private final RecordEntries entries;
    private final AuditWaiting waiting;
    private final MeterRegistry meters;

    AuditListener(AuditLog auditLog, RecordEntries entries, AuditWaiting waiting, MeterRegistry meters) {
        this.auditLog = auditLog;
        this.entries = entries;
        this.waiting = waiting;
        this.meters = meters;
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        assignments.keySet().forEach(partition -> {
            OptionalLong last = auditLog.lastOffset(new ChainId(partition.topic(), partition.partition()));
            if (last.isPresent()) {
                callback.seek(partition.topic(), partition.partition(), last.getAsLong() + 1);
            } else {
                callback.seekToBeginning(partition.topic(), partition.partition());
            }
        });
    }

    // The group is spring.kafka.consumer.group-id (audit-sink by default), so a second sink can replay on its own.
    @KafkaListener(id = "audit-sink", idIsGroup = false, containerFactory = "auditContainerFactory",
            topicPattern = TOPIC_PATTERN)
    void onRecord(ConsumerRecord<byte[], byte[]> record) {
        ChainId chain = new ChainId(record.topic(), record.partition());
        OptionalLong last = auditLog.lastOffset(chain);
        if (last.isPresent() && last.getAsLong() >= record.offset()) {
            return; // a redelivery after a retry or a rebalance: already in the chain
        }
        AuditEntry entry;
        try {
            entry = entries.entry(record);
            auditLog.append(entry);
        } catch (IOException e) {
            waiting.failed(where(chain, record), e);
            throw new UncheckedIOException("cannot append " + where(chain, record) + " to the audit log", e);
        } catch (RuntimeException e) {
            // An unreachable registry, or an unexpected failure: either way the record is retried, never skipped.
            waiting.failed(where(chain, record), e);
            throw e;
        }
        if (waiting.isWaiting()) {
            waiting.succeeded(where(chain, record));
        }
        if (entry.isReasoned()) {
            meters.counter("lapse.audit.reasoned", "eventType", entry.eventType()).increment();
            Object reason = ((Map<?, ?>) CanonicalJson.parse(entry.payloadJson())).get("reason");
            log.warn("Audited {} as {}: {}", where(chain, record), entry.eventType(), reason);
        }
    }

    // Spelled out only for a log line: every audited record comes through here.
    private static String where(ChainId chain, ConsumerRecord<?, ?> record) {
        return chain + "@" + record.offset();
    }
}
