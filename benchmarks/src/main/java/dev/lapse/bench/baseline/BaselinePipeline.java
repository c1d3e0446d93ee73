package dev.lapse.bench.baseline;

import dev.lapse.bench.drive.Completions;
import dev.lapse.bench.drive.Target;
import dev.lapse.bench.kafka.ClientSettings;
import dev.lapse.bench.kafka.KeyWatcher;
import dev.lapse.bench.kafka.RunTopics;
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
 * last topic, read_committed.
 */
final class BaselinePipeline implements Target {

    static final int HOPS = 3;
    static final int PARTITIONS = 6;

    private final List<String> topics;
    private final List<Stage> stages = new ArrayList<>();
    private final KafkaProducer<String, byte[]> source;
    private final KeyWatcher sink;
    private final Completions completions;
    private final byte[] value;

    private BaselinePipeline(String bootstrapServers, String runId, Completions completions, int valueBytes) {
        this.completions = completions;
        this.topics = IntStream.rangeClosed(0, HOPS).mapToObj(i -> "bench.baseline." + runId + ".t" + i).toList();
        RunTopics.create(bootstrapServers, PARTITIONS, topics);
        for (int hop = 1; hop <= HOPS; hop++) {
            stages.add(new Stage(bootstrapServers, topics.get(hop - 1), topics.get(hop), hop, runId));
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
    static BaselinePipeline start(String bootstrapServers, String runId, Completions completions, int valueBytes) {
        return new BaselinePipeline(bootstrapServers, runId, completions, valueBytes);
    }

    @Override
    public void submit(String id) {
        source.send(new ProducerRecord<>(topics.get(0), id, value), (metadata, error) -> {
            if (error != null) {
                completions.failed(id, error.toString());
            }
        });
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
