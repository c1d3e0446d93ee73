package dev.lapse.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class InstanceIdDefaultTest {

    private final StandardEnvironment environment = new StandardEnvironment();

    @Test
    void postProcess_whenUnset_defaultsToTheHostName() {
        new InstanceIdDefault().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty(InstanceIdDefault.PROPERTY)).isEqualTo(InstanceIdDefault.hostName())
                .matches("[A-Za-z0-9._-]+");
    }

    @Test
    void postProcess_whenSet_keepsIt_andTheTransactionalPrefixUsesIt() {
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                InstanceIdDefault.PROPERTY, "blue-2", "spring.application.name", "grant-issuer")));

        new InstanceIdDefault().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.resolvePlaceholders("${spring.application.name}-${lapse.instance-id}-"))
                .isEqualTo("grant-issuer-blue-2-");
    }

    @Test
    void postProcess_whenInvalid_failsNamingTheKey() {
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                InstanceIdDefault.PROPERTY, "blue 2")));

        assertThatThrownBy(() -> new InstanceIdDefault().postProcessEnvironment(environment, new SpringApplication()))
                .hasMessage("lapse.instance-id must be letters, digits, '.', '_' or '-', got 'blue 2'");
    }
}
