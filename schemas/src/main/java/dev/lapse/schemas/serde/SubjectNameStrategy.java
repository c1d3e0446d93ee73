package dev.lapse.schemas.serde;

import java.util.Arrays;
import org.apache.avro.Schema;

/**
 * How a serializer names the registry subject of a schema, as Confluent's strategies do. Configured with
 * Confluent's own class names (or the short names), so the same config works with Confluent's serializer.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} or {@code <topic>-value}: Confluent's default up to 8.2 and the one Lapse uses. */
    TOPIC("io.confluent.kafka.serializers.subject.TopicNameStrategy"),
    /** The record's full name, for topics that carry several record types. */
    RECORD("io.confluent.kafka.serializers.subject.RecordNameStrategy"),
    /** {@code <topic>-<record full name>}. */
    TOPIC_RECORD("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");

    private final String confluentClassName;

    SubjectNameStrategy(String confluentClassName) {
        this.confluentClassName = confluentClassName;
    }

    /** The subject for a schema written to a topic as key or value. */
    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC -> topic + (isKey ? "-key" : "-value");
            case RECORD -> schema.getFullName();
            case TOPIC_RECORD -> topic + "-" + schema.getFullName();
        };
    }

    /** Parses Confluent's class name or its simple name (TopicNameStrategy, RecordNameStrategy, ...). */
    public static SubjectNameStrategy parse(String name) {
        String trimmed = name.trim();
        return Arrays.stream(values())
                .filter(strategy -> strategy.confluentClassName.equals(trimmed)
                        || strategy.confluentClassName.endsWith("." + trimmed))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown subject name strategy '" + name
                        + "': use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy"));
    }
}
