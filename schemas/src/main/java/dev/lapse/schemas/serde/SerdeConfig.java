package dev.lapse.schemas.serde;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serde's settings, read from Kafka client configs under Confluent's own keys so one config file works
 * with Lapse's serde and with Confluent's.
 */
public record SerdeConfig(
        List<String> registryUrls,
        boolean autoRegisterSchemas,
        boolean useLatestVersion,
        boolean specificAvroReader,
        SubjectNameStrategy subjectNameStrategy) {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

    public SerdeConfig {
        registryUrls = List.copyOf(registryUrls);
        if (registryUrls.isEmpty()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + " is required, for example http://127.0.0.1:8081");
        }
    }

    /** Reads the settings from a Kafka client's configs; {@code isKey} picks the key or value strategy. */
    public static SerdeConfig from(Map<String, ?> configs, boolean isKey) {
        Object urls = configs.get(SCHEMA_REGISTRY_URL);
        List<String> registryUrls = urls == null ? List.of() : Arrays.stream(urls.toString().split(","))
                .map(String::trim)
                .filter(url -> !url.isEmpty())
                .map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url)
                .toList();
        for (String url : registryUrls) {
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, url, "must be an http:// or https:// URL");
            }
        }
        Object strategy = configs.get(isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY);
        return new SerdeConfig(
                registryUrls,
                flag(configs, AUTO_REGISTER_SCHEMAS, true),
                flag(configs, USE_LATEST_VERSION, false),
                flag(configs, SPECIFIC_AVRO_READER, false),
                strategy == null ? SubjectNameStrategy.TOPIC : strategy instanceof Class<?> type
                        ? SubjectNameStrategy.parse(type.getName())
                        : SubjectNameStrategy.parse(strategy.toString()));
    }

    private static boolean flag(Map<String, ?> configs, String key, boolean defaultValue) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean bool) {
            return bool;
        }
        String text = value.toString().trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException(key, value, "must be true or false");
    }
}
