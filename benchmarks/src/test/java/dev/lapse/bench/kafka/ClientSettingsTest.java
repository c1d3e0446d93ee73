package dev.lapse.bench.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;
import org.yaml.snakeyaml.Yaml;

/**
 * The baseline is compared with Lapse, so its clients must run with Lapse's settings: this reads the settings every
 * service imports ({@code lapse-kafka.yml}, from the schemas jar) and fails when {@link ClientSettings} drifts.
 */
class ClientSettingsTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lapseKafka() throws IOException {
        try (InputStream yaml = ClientSettingsTest.class.getResourceAsStream("/lapse-kafka.yml")) {
            assertThat(yaml).as("lapse-kafka.yml on the classpath").isNotNull();
            Map<String, Object> root = new Yaml().load(yaml);
            return (Map<String, Object>) ((Map<String, Object>) root.get("spring")).get("kafka");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @Test
    void producers_haveTheSettingsOfLapsesProducers() throws IOException {
        Map<String, Object> producer = child(lapseKafka(), "producer");
        Map<String, Object> properties = child(producer, "properties");

        Map<String, Object> ours = ClientSettings.transactionalProducer("127.0.0.1:1", "stage");

        assertThat(ours).containsEntry("acks", String.valueOf(producer.get("acks")))
                .containsEntry("enable.idempotence", String.valueOf(properties.get("enable.idempotence")))
                .containsEntry("linger.ms", String.valueOf(properties.get("linger.ms")))
                .containsEntry("retry.backoff.ms", String.valueOf(properties.get("retry.backoff.ms")));
        assertThat(ClientSettings.producer("127.0.0.1:1")).doesNotContainKey("transactional.id");
    }

    @Test
    void consumers_haveTheSettingsOfLapsesConsumers() throws IOException {
        Map<String, Object> consumer = child(lapseKafka(), "consumer");
        Map<String, Object> properties = child(consumer, "properties");

        Map<String, Object> ours = ClientSettings.groupConsumer("127.0.0.1:1", "stage");

        assertThat(ours).containsEntry("isolation.level", consumer.get("isolation-level").toString().replace('-', '_'))
                .containsEntry("auto.offset.reset", consumer.get("auto-offset-reset"))
                .containsEntry("enable.auto.commit", String.valueOf(consumer.get("enable-auto-commit")))
                .containsEntry("group.protocol", properties.get("group.protocol"))
                .containsEntry("retry.backoff.ms", String.valueOf(properties.get("retry.backoff.ms")))
                .containsEntry("session.timeout.ms", String.valueOf(properties.get("session.timeout.ms")))
                .containsEntry("heartbeat.interval.ms", String.valueOf(properties.get("heartbeat.interval.ms")));
        assertThat(ClientSettings.reader("127.0.0.1:1")).containsEntry("isolation.level", "read_committed")
                .doesNotContainKey("group.id");
    }

    @Test
    @SuppressWarnings("unchecked")
    void auditConsumer_fetchesAsTheAuditSinkDoes() throws IOException {
        Map<String, Object> consumer;
        try (InputStream yaml = ClientSettingsTest.class.getResourceAsStream("/audit-sink.yml")) {
            assertThat(yaml).as("audit-sink.yml on the classpath").isNotNull();
            Map<String, Object> root = new Yaml().load(yaml);
            consumer = child(child((Map<String, Object>) root.get("spring"), "kafka"), "consumer");
        }

        Map<String, Object> ours = ClientSettings.auditConsumer("127.0.0.1:1", "audit");

        assertThat(DataSize.parse(consumer.get("fetch-min-size").toString()).toBytes())
                .isEqualTo(Long.parseLong(ours.get("fetch.min.bytes").toString()));
        assertThat(DurationStyle.detectAndParse(consumer.get("fetch-max-wait").toString()).toMillis())
                .isEqualTo(Long.parseLong(ours.get("fetch.max.wait.ms").toString()));
        assertThat(ours).containsAllEntriesOf(ClientSettings.groupConsumer("127.0.0.1:1", "audit"));
    }
}
