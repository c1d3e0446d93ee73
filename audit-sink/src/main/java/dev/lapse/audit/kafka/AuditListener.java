package dev.lapse.audit.kafka;

import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.CanonicalJson;
import dev.lapse.audit.chain.ChainId;
import dev.lapse.audit.log.AuditLog;
import dev.lapse.schemas.serde.AvroDeserializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * Appends every committed record of every Lapse topic (dead-letter topics too) to its partition's chain, in offset order. The chain
 * files are the state: on assignment each partition resumes right after the last offset on disk, so a restart
 * neither skips nor repeats a record, and a replay from offset 0 gives byte-identical hashes. Records are read
 * as raw bytes, so even an unreadable one is kept (Base64, with the reason) rather than lost.
 */
@Component
class AuditListener implements ConsumerSeekAware {

    private static final Logger log = LoggerFactory.getLogger(AuditListener.class);

    private final AuditLog auditLog;
    private final AvroDeserializer deserializer;

    AuditListener(AuditLog auditLog, AvroDeserializer auditDeserializer) {
        this.auditLog = auditLog;
        this.deserializer = auditDeserializer;
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

    // Every Lapse topic, dead-letter topics included: a parked record is part of what happened.
    @KafkaListener(id = "audit-sink", containerFactory = "auditContainerFactory", topicPattern = "lapse\\..+")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        OptionalLong last = auditLog.lastOffset(new ChainId(record.topic(), record.partition()));
        if (last.isPresent() && last.getAsLong() >= record.offset()) {
            return;
        }
        try {
            auditLog.append(entry(record));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " to the audit log", e);
        }
    }

    private AuditEntry entry(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        try {
            Object value = deserializer.deserialize(record.topic(), record.value());
            if (value instanceof GenericRecord event) {
                return new AuditEntry(record.topic(), record.partition(), record.offset(), record.timestamp(), key,
                        event.getSchema().getName(), field(event, "eventId", "-"), field(event, "requestId",
                        key == null ? "-" : key), occurredAtMs(event, record.timestamp()), AvroJson.of(event));
            }
            return unreadable(record, value == null ? "tombstone" : "not an Avro record");
        } catch (SerializationException e) {
            log.warn("Auditing unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return unreadable(record, e.getMessage());
        }
    }

    private static AuditEntry unreadable(ConsumerRecord<String, byte[]> record, String reason) {
        String bytes = record.value() == null ? "" : Base64.getEncoder().encodeToString(record.value());
        String payload = CanonicalJson.write(Map.of("reason", reason, "valueBase64", bytes));
        String key = record.key();
        return new AuditEntry(record.topic(), record.partition(), record.offset(), record.timestamp(), key,
                "Unreadable", record.topic() + "-" + record.partition() + "@" + record.offset(),
                key == null || key.isBlank() ? "-" : key, record.timestamp(), payload);
    }

    private static String field(GenericRecord event, String name, String fallback) {
        Object value = event.hasField(name) ? event.get(name) : null;
        return value == null || value.toString().isBlank() ? fallback : value.toString();
    }

    private static long occurredAtMs(GenericRecord event, long fallback) {
        Object value = event.hasField("occurredAt") ? event.get("occurredAt") : null;
        if (value instanceof java.time.Instant instant) {
            return instant.toEpochMilli();
        }
        return value instanceof Long millis ? millis : fallback;
    }
}
