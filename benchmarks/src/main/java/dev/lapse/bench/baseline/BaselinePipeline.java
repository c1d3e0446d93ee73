package dev.lapse.bench.baseline;

import dev.lapse.bench.drive.Completions;
import dev.lapse.bench.drive.Target;
import dev.lapse.bench.kafka.ClientSettings;
import dev.lapse.bench.kafka.KeyWatcher;
import dev.lapse.bench.kafka.RunTopics;
import dev.lapse.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The baseline pipeline, running: a source topic, three {@link Stage}s (topic 0 → 1 → 2 → 3), and a watcher of
 * the last topic. As a {@link Target} it writes one keyed record per item to the source topic with an idempotent
 * producer (acks=all), as another system writes to Lapse's ingress; the item is done when its key is seen on the
 * last topic, read_committed. Of {@link Shape#LAPSE}, it also moves every other record Lapse's services move in
 * Kafka for one auto-approved request, and does nothing else.
 */
final class BaselinePipeline implements Target {

    static final int HOPS = 3;
    static final int PARTITIONS = 6;

    /** What the pipeline is made of. */
    enum Shape {
        /** The three hops alone. */
        BARE,
        /**
         * The three hops as Lapse's request path (topic 0 as {@code submitted}, 1 {@code requested}, 2
         * {@code approved}, 3 {@code granted}), and what Lapse's services add to them in Kafka: the first and the
         * third hop also write each record to a state topic of their own in their transaction (the gate's accepted
         * ids, grant-issuer's issued grants), a fourth stage reads topic 3 and writes each record to its own state
         * topic (the revoker), and two readers (stages without output, committing once a second) read topics 0–3 (the
         * audit sink, fetching as it does) and topics 1–3 (the read model). Each reader also subscribes to as many
         * empty topics as Lapse's does (its other lifecycle and dead-letter topics, which an auto-approved request
         * does not write to): a fetch costs the broker for every partition it names.
         */
        LAPSE
    }

    // Lapse's audit sink reads every lifecycle topic and its dead-letter topic; an auto-approved request writes to
    // four of them. Its read model (request-service's TimelineListener) reads ten lifecycle topics, three of them.
    private static final int AUDIT_EMPTY_TOPICS = Topics.LIFECYCLE.size() * 2 - (HOPS + 1);
    private static final int READ_MODEL_EMPTY_TOPICS = 10 - HOPS;

    private final List<String> topics;
    private final List<Stage> stages = new ArrayList<>();
    private final KafkaProducer<String, byte[]> source;
    private final KeyWatcher sink;
    private final Completions completions;
    private final byte[] value;

    private BaselinePipeline(String bootstrapServers, String runId, Shape shape, Completions completions,
            int valueBytes) {
        this.completions = completions;
        String prefix = "bench.baseline." + runId + (shape == Shape.LAPSE ? ".lapse" : "");
        this.topics = IntStream.rangeClosed(0, HOPS).mapToObj(i -> prefix + ".t" + i).toList();
        List<String> created = new ArrayList<>(topics);
        if (shape == Shape.LAPSE) {
            String gateState = prefix + ".state.gate";
            String grantState = prefix + ".state.grant";
            String revokerState = prefix + ".state.revoker";
            created.addAll(List.of(gateState, grantState, revokerState));
            List<String> auditEmpty = IntStream.range(0, AUDIT_EMPTY_TOPICS).mapToObj(i -> prefix + ".empty" + i)
                    .toList();
            created.addAll(auditEmpty);
            RunTopics.create(bootstrapServers, PARTITIONS, created);
            String name = "bench-baseline-" + runId + "-lapse-";
            stages.add(new Stage(bootstrapServers, List.of(topics.get(0)), List.of(topics.get(1), gateState), 1,
                    name + "hop1"));
            stages.add(new Stage(bootstrapServers, List.of(topics.get(1)), List.of(topics.get(2)), 2,
                    name + "hop2"));
            stages.add(new Stage(bootstrapServers, List.of(topics.get(2)), List.of(topics.get(3), grantState), 3,
                    name + "hop3"));
            stages.add(new Stage(bootstrapServers, List.of(topics.get(3)), List.of(revokerState), 4,
                    name + "revoker"));
            List<String> audited = new ArrayList<>(topics);
            audited.addAll(auditEmpty);
            List<String> modelled = new ArrayList<>(topics.subList(1, topics.size()));
            modelled.addAll(auditEmpty.subList(0, READ_MODEL_EMPTY_TOPICS));
            stages.add(Stage.auditReader(bootstrapServers, audited, name + "audit"));
            stages.add(new Stage(bootstrapServers, modelled, List.of(), 0, name + "read-model"));
        } else {
            RunTopics.create(bootstrapServers, PARTITIONS, created);
            for (int hop = 1; hop <= HOPS; hop++) {
                stages.add(new Stage(bootstrapServers, topics.get(hop - 1), topics.get(hop), hop, runId));
            }
        }
        this.source = new KafkaProducer<>(ClientSettings.producer(bootstrapServers), new StringSerializer(),
                new ByteArraySerializer());
        this.sink = KeyWatcher.start(bootstrapServers, topics.get(HOPS), completions);
        // Incompressible bytes, like an Avro body; the key (a UUID) adds 36 more.
        this.value = new byte[valueBytes];
        new Random(42).nextBytes(value);
        stages.forEach(Stage::start);
    }

    /** Creates the topics, starts the stages and positions the watcher at the end of the last topic. */
    static BaselinePipeline start(String bootstrapServers, String runId, Shape shape, Completions completions,
            int valueBytes) {
        return new BaselinePipeline(bootstrapServers, runId, shape, completions, valueBytes);
    }

    @Override
    public void submit(String id) {
        source.send(new ProducerRecord<>(topics.get(0), id, value), (metadata, error) -> {
            if (error != null) {
                completions.failed(id, error.toString());
            }
        });
    }

    /** The pipeline's topics in the order its records cross them: the source, then each hop's output. */
    List<String> topics() {
        return topics;
    }

    /** Why a stage or the watcher stopped, if one did. */
    Optional<String> failure() {
        for (Stage stage : stages) {
            if (stage.failure() != null) {
                return Optional.of("a baseline stage stopped: " + stage.failure());
            }
        }
        return Optional.ofNullable(sink.failure()).map(e -> "the baseline's watcher stopped: " + e);
    }

    @Override
    public void close() {
        source.close(Duration.ofSeconds(5));
        stages.forEach(Stage::close);
        sink.close();
    }
}
