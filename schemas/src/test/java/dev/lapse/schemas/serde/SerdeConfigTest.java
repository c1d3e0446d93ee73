package dev.lapse.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SerdeConfigTest {

    @Test
    void from_whenOnlyUrl_usesConfluentDefaults() {
        SerdeConfig config = SerdeConfig.from(Map.of("schema.registry.url", "http://a:8081/, http://b:8081"), false);

        assertThat(config.registryUrls()).containsExactly("http://a:8081", "http://b:8081");
        assertThat(config.autoRegisterSchemas()).isTrue();
        assertThat(config.useLatestVersion()).isFalse();
        assertThat(config.specificAvroReader()).isFalse();
        assertThat(config.subjectNameStrategy()).isEqualTo(SubjectNameStrategy.TOPIC);
    }

    @Test
    void from_whenConfluentClassNames_parsesThem() {
        SerdeConfig config = SerdeConfig.from(Map.of(
                "schema.registry.url", "http://a:8081",
                "auto.register.schemas", "false",
                "use.latest.version", true,
                "specific.avro.reader", "true",
                "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
                "key.subject.name.strategy", "RecordNameStrategy"), false);

        assertThat(config.autoRegisterSchemas()).isFalse();
        assertThat(config.useLatestVersion()).isTrue();
        assertThat(config.specificAvroReader()).isTrue();
        assertThat(config.subjectNameStrategy()).isEqualTo(SubjectNameStrategy.TOPIC_RECORD);
        assertThat(SerdeConfig.from(Map.of("schema.registry.url", "http://a:8081",
                "key.subject.name.strategy", "RecordNameStrategy"), true).subjectNameStrategy())
                .isEqualTo(SubjectNameStrategy.RECORD);
    }

    @Test
    void from_whenUrlMissing_namesTheKey() {
        assertThatThrownBy(() -> SerdeConfig.from(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url is required");
    }

    @Test
    void from_whenFlagNotBoolean_namesTheKey() {
        assertThatThrownBy(() -> SerdeConfig.from(
                Map.of("schema.registry.url", "http://a", "auto.register.schemas", "yes"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auto.register.schemas");
    }

    @Test
    void from_whenUrlNotHttp_namesTheKey() {
        assertThatThrownBy(() -> SerdeConfig.from(Map.of("schema.registry.url", "registry:8081"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void subject_whenEachStrategy() {
        Schema schema = dev.lapse.event.AccessGranted.getClassSchema();
        assertThat(SubjectNameStrategy.TOPIC.subject("lapse.access.granted", false, schema))
                .isEqualTo("lapse.access.granted-value");
        assertThat(SubjectNameStrategy.TOPIC.subject("lapse.access.granted", true, schema))
                .isEqualTo("lapse.access.granted-key");
        assertThat(SubjectNameStrategy.RECORD.subject("x", false, schema)).isEqualTo("dev.lapse.event.AccessGranted");
        assertThat(SubjectNameStrategy.TOPIC_RECORD.subject("x", false, schema))
                .isEqualTo("x-dev.lapse.event.AccessGranted");
        assertThat(List.of(SubjectNameStrategy.values())).hasSize(3);
    }

    @Test
    void parse_whenUnknownStrategy_listsTheKnownOnes() {
        assertThatThrownBy(() -> SubjectNameStrategy.parse("MyStrategy"))
                .hasMessageContaining("use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy");
    }
}
