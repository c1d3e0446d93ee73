package dev.lapse.request.kafka;

/** Kafka (or the schema registry its serializer needs) did not take a record in time; answered with 503. */
public final class KafkaUnavailableException extends RuntimeException {

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
