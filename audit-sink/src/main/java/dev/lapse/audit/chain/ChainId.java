package dev.lapse.audit.chain;

import java.util.Comparator;
import java.util.Objects;

/** Names one hash chain: the Kafka topic-partition whose records it links. */
public record ChainId(String topic, int partition) implements Comparable<ChainId> {

    private static final Comparator<ChainId> ORDER =
            Comparator.comparing(ChainId::topic).thenComparingInt(ChainId::partition);

    public ChainId {
        Objects.requireNonNull(topic, "topic");
        // Kafka's own rule for topic names. It also keeps every topic safe to use in a file name: no separators.
        if (topic.isEmpty() || topic.length() > 249 || !legalCharacters(topic)
                || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException(
                    "topic must be a legal Kafka topic name (1-249 of [a-zA-Z0-9._-], not . or ..): '" + topic + "'");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative: " + partition + " of " + topic);
        }
    }

    // A loop rather than a regular expression: every audited record makes a ChainId, and a regex match was a
    // measurable share of the sink's CPU under load.
    private static boolean legalCharacters(String topic) {
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            if (!legal) {
                return false;
            }
        }
        return true;
    }

    /** Orders chains by topic, then partition number (so partition 10 comes after 9). */
    @Override
    public int compareTo(ChainId other) {
        return ORDER.compare(this, other);
    }

    /** Kafka's usual spelling, topic-partition, as in {@code lapse.access.granted-3}. */
    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
