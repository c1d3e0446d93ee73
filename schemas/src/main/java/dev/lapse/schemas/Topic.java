package dev.lapse.schemas;

import java.util.Objects;

/**
 * One Kafka topic of the contract: its name, the types of its keys and values, how many partitions it has and
 * which single party writes it.
 *
 * @param <K> key type; every lifecycle topic is keyed by the request id as a UTF-8 string
 * @param <V> value type, an Avro SpecificRecord generated from {@code src/main/avro}
 */
public record Topic<K, V>(String name, Class<K> keyType, Class<V> valueType, int partitions, Writer writer) {

    /** Suffix of the dead-letter topic where records that cannot be read or fail validation are parked. */
    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        Objects.requireNonNull(writer, "writer");
        if (!name.matches("[a-z][a-z0-9.-]*")) {
            throw new IllegalArgumentException("topic name must be lower-case dotted words: " + name);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1 for " + name);
        }
    }

    /** The dead-letter topic of this topic: same partition count, so a parked record keeps its partition. */
    public String deadLetterName() {
        return name + DEAD_LETTER_SUFFIX;
    }

    /** Subject under which the value schema is registered with Confluent's default TopicNameStrategy. */
    public String valueSubject() {
        return name + "-value";
    }

    @Override
    public String toString() {
        return name;
    }
}
