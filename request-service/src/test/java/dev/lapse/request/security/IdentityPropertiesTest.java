package dev.lapse.request.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class IdentityPropertiesTest {

    private static IdentityProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("lapse.identity", IdentityProperties.class);
    }

    @Test
    void defaults_embeddedIssuer_subAndGroups_noUsers() {
        IdentityProperties properties = bind(Map.of());

        assertThat(properties.embeddedMode()).isTrue();
        assertThat(properties.userClaim()).isEqualTo("sub");
        assertThat(properties.groupsClaim()).isEqualTo("groups");
        assertThat(properties.adminGroup()).isEqualTo("lapse-admins");
        assertThat(properties.jwsAlgorithms()).containsExactly("RS256");
        assertThat(properties.audiences()).isEmpty();
        assertThat(properties.embedded().directory()).isEqualTo(Path.of(".lapse/identity"));
        assertThat(properties.embedded().users()).isEmpty();
        assertThat(properties.embedded().tokenLifetime()).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void users_bindFromCommaSeparatedGroups_inOrder_andBracketedIdsKeepTheirDots() {
        IdentityProperties properties = bind(Map.of(
                "lapse.identity.embedded.users.alice", "support,oncall",
                "lapse.identity.embedded.users.eve", "",
                "lapse.identity.embedded.users[alice@example.com]", "support"));

        assertThat(properties.embedded().users()).containsEntry("alice", List.of("support", "oncall"))
                .containsEntry("eve", List.of()).containsEntry("alice@example.com", List.of("support"));
    }

    @Test
    void users_bindFromEnvironmentVariables_asDockerComposeSetsThem() {
        SystemEnvironmentPropertySource environment = new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                "LAPSE_IDENTITY_EMBEDDED_DIRECTORY", "/var/lib/lapse/identity",
                "LAPSE_IDENTITY_EMBEDDED_USERS_ALICE", "support",
                "LAPSE_IDENTITY_EMBEDDED_USERS_ADMIN", "lapse-admins"));

        IdentityProperties properties = new Binder(ConfigurationPropertySources.from(environment))
                .bindOrCreate("lapse.identity", IdentityProperties.class);

        assertThat(properties.embedded().directory()).isEqualTo(Path.of("/var/lib/lapse/identity"));
        assertThat(properties.embedded().users()).containsOnly(Map.entry("alice", List.of("support")),
                Map.entry("admin", List.of("lapse-admins")));
    }

    @Test
    void issuerUri_turnsTheEmbeddedIssuerOff() {
        IdentityProperties properties = bind(Map.of("lapse.identity.issuer-uri", "https://login.example.com/realms/x",
                "lapse.identity.user-claim", "preferred_username"));

        assertThat(properties.embeddedMode()).isFalse();
        assertThat(properties.issuerUri()).isEqualTo(URI.create("https://login.example.com/realms/x"));
        assertThat(properties.callerClaims().userClaim()).isEqualTo("preferred_username");
    }

    @Test
    void validation_namesTheKey() {
        assertThatThrownBy(() -> bind(Map.of("lapse.identity.jwk-set-uri", "/keys")))
                .rootCause().hasMessage("lapse.identity.jwk-set-uri must be an absolute http(s) URL, got '/keys'");
        assertThatThrownBy(() -> bind(Map.of("lapse.identity.user-claim", " ")))
                .rootCause().hasMessage("lapse.identity.user-claim must name a claim, got ' '");
        assertThatThrownBy(() -> bind(Map.of("lapse.identity.admin-group", "lapse admins")))
                .rootCause().hasMessage("lapse.identity.admin-group must be a group name (no spaces or commas),"
                        + " got 'lapse admins'");
        assertThatThrownBy(() -> bind(Map.of("lapse.identity.jws-algorithms", "HS256")))
                .rootCause().hasMessageStartingWith("lapse.identity.jws-algorithms must be among RS256")
                .hasMessageEndingWith("got 'HS256'");
        assertThatThrownBy(() -> bind(Map.of("lapse.identity.embedded.users[../x]", "support")))
                .rootCause().hasMessageStartingWith("lapse.identity.embedded.users: user id '../x' must be");
        assertThatThrownBy(() -> bind(Map.of("lapse.identity.embedded.users.alice", "support, on call")))
                .rootCause().hasMessage("lapse.identity.embedded.users.alice must list group names (no spaces),"
                        + " got 'on call'");
        assertThatThrownBy(() -> bind(Map.of("lapse.identity.embedded.token-lifetime", "P90D")))
                .rootCause().hasMessage("lapse.identity.embedded.token-lifetime must be PT1M..P30D, got PT2160H");
    }
}
