package dev.lapse.bench.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka client settings of every Lapse service ({@code schemas/src/main/resources/lapse-kafka.yml}), for clients
 * the benchmark runs itself: the baseline pipeline's stages, the load's producers and the watchers. A comparison
 * with the baseline means something only if both run with the same settings; {@code ClientSettingsTest} reads the
 * YAML and fails when they drift apart.
 */
public final class ClientSettings {

    /** Producers on the request's path: every millisecond is a hop's cost (Kafka 4's default is 5 ms). */
    static final String LINGER_MS = "0";
    /** Producers retry {@code sendOffsetsToTransaction} after 2 ms (doubling), not 100: a hop no longer waits out
     * the previous transaction's completion in 10 ms steps. */
    static final String PRODUCER_RETRY_BACKOFF_MS = "2";
    /** Consumers retry after 10 ms, not 100. */
    static final String CONSUMER_RETRY_BACKOFF_MS = "10";
    /** The audit sink's fetches wait for 64 KB, or 500 ms, rather than answering at the first byte. */
    static final String AUDIT_FETCH_MIN_BYTES = "65536";
    static final String AUDIT_FETCH_MAX_WAIT_MS = "500";

    private ClientSettings() {
    }

    /** An idempotent producer, acks=all, no linger: what other systems and request-service's REST path write with. */
    public static Map<String, Object> producer(String bootstrapServers) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("acks", "all");
        settings.put("enable.idempotence", "true");
        settings.put("linger.ms", LINGER_MS);
        settings.put("retry.backoff.ms", PRODUCER_RETRY_BACKOFF_MS);
        return settings;
    }

    /** A transactional producer of a consume-transform-produce stage, as each Lapse service has. */
    public static Map<String, Object> transactionalProducer(String bootstrapServers, String transactionalId) {
        Map<String, Object> settings = producer(bootstrapServers);
        settings.put("transactional.id", transactionalId);
        return settings;
    }

    /** A consumer in a group, reading only committed records, offsets committed by the stage's transactions. */
    public static Map<String, Object> groupConsumer(String bootstrapServers, String groupId) {
        Map<String, Object> settings = reader(bootstrapServers);
        settings.put("group.id", groupId);
        settings.put("group.protocol", "classic");
        settings.put("auto.offset.reset", "earliest");
        settings.put("enable.auto.commit", "false");
        settings.put("session.timeout.ms", "10000");
        settings.put("heartbeat.interval.ms", "3000");
        return settings;
    }

    /** A consumer in a group that fetches as the audit sink does ({@code audit-sink.yml}): no request waits for it. */
    public static Map<String, Object> auditConsumer(String bootstrapServers, String groupId) {
        Map<String, Object> settings = groupConsumer(bootstrapServers, groupId);
        settings.put("fetch.min.bytes", AUDIT_FETCH_MIN_BYTES);
        settings.put("fetch.max.wait.ms", AUDIT_FETCH_MAX_WAIT_MS);
        return settings;
    }

    /** A consumer without a group (partitions assigned by hand), reading only committed records. */
    public static Map<String, Object> reader(String bootstrapServers) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("isolation.level", "read_committed");
        settings.put("retry.backoff.ms", CONSUMER_RETRY_BACKOFF_MS);
        return settings;
    }
}
