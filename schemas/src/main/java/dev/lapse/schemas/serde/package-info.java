/**
 * Avro on Kafka in Confluent's wire format, with a small caching client of the Confluent Schema Registry REST
 * API. Config keys mirror Confluent's, so {@code io.confluent.kafka.serializers.KafkaAvroSerializer} can replace
 * these classes by configuration alone.
 */
@NullMarked
package dev.lapse.schemas.serde;

import org.jspecify.annotations.NullMarked;
