package dev.lapse.bench.lapse;

import dev.lapse.bench.drive.Completions;
import dev.lapse.bench.drive.Target;
import dev.lapse.bench.kafka.ClientSettings;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.Scope;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.serde.AvroSerializer;
import dev.lapse.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Submits requests as another system does: an {@code AccessRequested} in Avro (Confluent wire format, Lapse's own
 * serializer and the run's registry) on {@code lapse.access.submitted}, keyed by its request id, written by an
 * idempotent producer with acks=all and no linger.
 */
final class IngressTarget implements Target {

    private final KafkaProducer<String, Object> producer;
    private final Completions completions;
    private final Approvable request;

    IngressTarget(String bootstrapServers, String registryUrl, Completions completions, Approvable request) {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), false);
        this.producer = new KafkaProducer<>(ClientSettings.producer(bootstrapServers), new StringSerializer(),
                serializer);
        this.completions = completions;
        this.request = request;
    }

    @Override
    public void submit(String id) {
        AccessRequested event = AccessRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRequestId(id)
                .setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.SYSTEM, Approvable.SOURCE))
                .setRequester(new Requester(request.requester(), Approvable.GROUPS))
                .setResource(new Resource(Approvable.KIND, request.table()))
                .setScope(new Scope(List.of(Approvable.ACTION), Approvable.COLUMNS, null))
                .setReason(Approvable.REASON)
                .setTicket(null)
                .setRequestedDurationMs(request.duration().toMillis())
                .setSourceSystem(Approvable.SOURCE)
                .build();
        producer.send(new ProducerRecord<>(Topics.ACCESS_SUBMITTED.name(), id, event), (metadata, error) -> {
            if (error != null) {
                completions.failed(id, "not written to the ingress: " + error);
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
