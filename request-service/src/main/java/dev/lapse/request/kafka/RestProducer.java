package dev.lapse.request.kafka;

import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.kafka.RetryPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Writes what people submit over REST, each record on its own: idempotent with {@code acks=all}, but not
 * transactional (a REST write has no consumed offset to commit with it), and bounded in time by
 * {@link RequestProperties.RestWrite}, so that when the broker or the registry is down the caller is answered 503
 * within seconds rather than after the client defaults (60 s to block, 120 s to deliver).
 */
final class RestProducer implements AutoCloseable {

    /** The REST producer's {@code client.id}, so that its {@code kafka_producer_*} metrics are told apart. */
    static final String CLIENT_ID = "lapse-rest-writes";

    private final KafkaProducer<String, Object> producer;
    private final KafkaClientMetrics metrics;
    private final Duration waitAtMost;
    private final Duration retryAfter;

    RestProducer(Map<String, Object> producerProperties, RequestProperties.RestWrite write, MeterRegistry registry) {
        Map<String, Object> config = new HashMap<>(producerProperties);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) write.maxBlock().toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) write.requestTimeout().toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) write.deliveryTimeout().toMillis());
        producer = new KafkaProducer<>(config);
        // Spring binds the metrics of the producers its factories make, not this one's. Its meters carry a spring_id
        // tag, and a Prometheus registry drops meters of one name with another set of tags: so this one has it too.
        metrics = new KafkaClientMetrics(producer, Tags.of("spring_id", "restProducer." + CLIENT_ID));
        metrics.bindTo(registry);
        // The delivery timeout bounds the acknowledgement; the margin covers the call's own bookkeeping.
        waitAtMost = write.deliveryTimeout().plusSeconds(1);
        retryAfter = write.retryAfter();
    }

    /**
     * Writes one record and returns once Kafka acknowledged it.
     *
     * @throws WriteUnavailableException if the broker or the registry is unavailable or too slow now
     */
    void send(String topic, String key, Object value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(waitAtMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(topic, e.getCause() != null ? e.getCause() : e);
        } catch (TimeoutException e) {
            throw new WriteUnavailableException("Kafka did not acknowledge the write to " + topic + " within "
                    + waitAtMost.toSeconds() + " s", retryAfter, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriteUnavailableException("interrupted while writing to " + topic, retryAfter, e);
        } catch (KafkaException e) {
            throw failure(topic, e);
        }
    }

    /**
     * Writes one record; the future completes once Kafka acknowledged it, or fails with a
     * {@link WriteUnavailableException} when the broker or the registry is unavailable or too slow now. Concurrent
     * calls share the producer's batches, so many submissions cost one write.
     */
    CompletableFuture<Void> sendAsync(String topic, String key, Object value) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, exception) -> {
                if (exception == null) {
                    written.complete(null);
                } else {
                    written.completeExceptionally(failure(topic, exception));
                }
            });
        } catch (KafkaException e) {
            // Serialization (the registry) and metadata waits fail here, before anything was sent.
            written.completeExceptionally(failure(topic, e));
        }
        return written;
    }

    private RuntimeException failure(String topic, Throwable cause) {
        String reason = DeadLetterRouting.reason(cause);
        if (RetryPolicy.isDependencyDown(cause)) {
            return new WriteUnavailableException("cannot write to " + topic + " now: " + reason, retryAfter, cause);
        }
        return new IllegalStateException("cannot write to " + topic + ": " + reason, cause);
    }

    @Override
    public void close() {
        metrics.close();
        producer.close(Duration.ofSeconds(5));
    }
}
