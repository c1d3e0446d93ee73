package dev.lapse.grant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.grant.target.postgres.PostgresTargetSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml configures grant-issuer's PostgreSQL target through environment variables, which no test here
 * can run (no Docker): this binds exactly those variables the way Spring Boot binds a container's environment, so
 * a misspelt variable fails here instead of silently leaving the target unconfigured.
 */
class ComposeSettingsTest {

    @Test
    void theComposeFilesEnvironmentBindsToTheDemoTarget() throws IOException {
        Map<String, Object> environment = grantIssuerEnvironment(Path.of("..", "docker-compose.yml"));
        StandardEnvironment spring = new StandardEnvironment();
        // Spring maps NAME_LIKE_THIS to properties only for a source with the system environment's own name.
        spring.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        environment));

        GrantIssuerProperties properties = new Binder(ConfigurationPropertySources.get(spring))
                .bindOrCreate("lapse.grant", GrantIssuerProperties.class);

        assertThat(properties.targets()).containsOnlyKeys("postgres");
        PostgresTargetSettings target = properties.targets().get("postgres");
        assertThat(target.problems("postgres")).isEmpty();
        assertThat(target.url()).isEqualTo("jdbc:postgresql://postgres:5432");
        assertThat(target.username()).isEqualTo("lapse_admin");
        assertThat(target.databases()).containsExactly("crm");
        assertThat(target.schemas()).containsExactly("public");
        assertThat(target.protectedTables()).singleElement().satisfies(table -> {
            assertThat(table.table()).isEqualTo("crm.public.customers");
            assertThat(table.masks()).extracting(PostgresTargetSettings.ColumnMask::column)
                    .containsExactly("id", "region", "email", "card_number");
            assertThat(table.masks()).extracting(PostgresTargetSettings.ColumnMask::rule)
                    .containsExactly("clear", "clear", "partial-email", "partial:0:4");
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> grantIssuerEnvironment(Path compose) throws IOException {
        try (Reader reader = Files.newBufferedReader(compose)) {
            Map<String, Object> file = new Yaml().load(reader);
            Map<String, Object> services = (Map<String, Object>) file.get("services");
            Map<String, Object> grantIssuer = (Map<String, Object>) services.get("grant-issuer");
            Map<String, Object> environment = new HashMap<>((Map<String, Object>) grantIssuer.get("environment"));
            assertThat(List.copyOf(environment.keySet())).anyMatch(key -> key.startsWith("LAPSE_GRANT_TARGETS_"));
            return environment;
        }
    }
}
