package dev.lapse.schemas.kafka;

import dev.lapse.schemas.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition a request belongs to on every lifecycle and state topic: what Kafka's default partitioner computes
 * for its UTF-8 key (murmur2). Services name it explicitly when they write state, so the state of partition p is
 * always read back by whoever owns partition p, whatever partitioner another client used.
 */
public final class Partitions {

    private Partitions() {
    }

    /** The partition of {@code requestId}. */
    public static int of(String requestId) {
        return Utils.toPositive(Utils.murmur2(requestId.getBytes(StandardCharsets.UTF_8))) % Topics.PARTITIONS;
    }
}
