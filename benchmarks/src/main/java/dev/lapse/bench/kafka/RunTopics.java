package dev.lapse.bench.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** Makes the topics a section needs on the run's broker (which creates none by itself). */
public final class RunTopics {

    private RunTopics() {
    }

    /**
     * Creates each topic with {@code partitions} partitions and one replica, and waits until every partition can take
     * writes. A created topic is in the broker's metadata a moment before its partitions are: an idempotent producer
     * writing at once can then have its first request refused (retriably) and its second appended, after which the
     * first is refused as out of order until its delivery timeout expires it (KAFKA-15591, fixed in brokers from
     * Kafka 4.5): two minutes in which the load's records go nowhere. A partition that answers a ListOffsets is led
     * by the broker, as a write needs; the admin client retries until each does.
     */
    public static void create(String bootstrapServers, int partitions, List<String> names) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(names.stream().map(name -> new NewTopic(name, partitions, (short) 1)).toList())
                    .all().get(60, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> every = names.stream()
                    .flatMap(name -> IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(name, p)))
                    .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
            admin.listOffsets(every).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + names + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names, e);
        }
    }
}
