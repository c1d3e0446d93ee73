package dev.lapse.request.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.request.kafka.NotifyProperties.Delivery;
import dev.lapse.request.kafka.NotifyProperties.WebhookProperties;
import dev.lapse.request.notify.NotificationType;
import dev.lapse.request.notify.Webhook;
import dev.lapse.request.notify.WebhookSignature;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class NotifyPropertiesTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final Delivery DELIVERY = new Delivery(8, Duration.ofSeconds(2), Duration.ofMinutes(5),
            Duration.ofSeconds(5), Duration.ofSeconds(10), 16);

    @TempDir
    Path dir;

    @Test
    void toWebhooks_whenSecretFromEnvironment_signsWithIt() {
        Webhook webhook = properties(new WebhookProperties(null, URI.create("https://bot.example.com:8443/lapse"),
                null, "LAPSE_BOT_SECRET", List.of("grant.expiring")))
                .toWebhooks(Map.of("LAPSE_BOT_SECRET", SECRET + "\n")::get).get(0);

        assertThat(webhook.name()).isEqualTo("bot.example.com:8443");
        assertThat(webhook.events()).containsExactly(NotificationType.GRANT_EXPIRING);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(new WebhookSignature(SECRET.getBytes(StandardCharsets.UTF_8))
                .verify(webhook.signature().sign(1, body), body, 1, Duration.ZERO))
                .isEqualTo(WebhookSignature.Verification.VALID);
    }

    @Test
    void toWebhooks_whenSecretFromFile_readsItWithoutSurroundingWhiteSpace() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "  " + SECRET + "\n");

        Webhook webhook = properties(new WebhookProperties("siem", URI.create("http://127.0.0.1:9000/h"), file, null,
                List.of())).toWebhooks(name -> null).get(0);

        assertThat(webhook.name()).isEqualTo("siem");
        assertThat(webhook.events()).isEmpty();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(new WebhookSignature(SECRET.getBytes(StandardCharsets.UTF_8))
                .verify(webhook.signature().sign(1, body), body, 1, Duration.ZERO))
                .isEqualTo(WebhookSignature.Verification.VALID);
    }

    @Test
    void toWebhooks_whenSecretMissingOrShort_namesTheKey() throws Exception {
        NotifyProperties unset = properties(new WebhookProperties(null, URI.create("https://x.example"), null, "NOPE",
                List.of()));
        assertThatThrownBy(() -> unset.toWebhooks(name -> null))
                .hasMessage("lapse.notify.webhooks[0].secret-env (NOPE) is not set");

        Path file = Files.writeString(dir.resolve("short"), "short");
        NotifyProperties tooShort = properties(new WebhookProperties(null, URI.create("https://x.example"), file,
                null, List.of()));
        assertThatThrownBy(() -> tooShort.toWebhooks(name -> null))
                .hasMessage("lapse.notify.webhooks[0].secret-file (" + file + ") holds 5 bytes; a secret needs at"
                        + " least 16");
    }

    @Test
    void new_whenWebhookInvalid_namesTheKey() {
        assertThatThrownBy(() -> properties(new WebhookProperties(null, null, null, "S", List.of())))
                .hasMessage("lapse.notify.webhooks[0].url is required");
        assertThatThrownBy(() -> properties(new WebhookProperties(null, URI.create("ftp://x.example/h"), null, "S",
                List.of()))).hasMessage("lapse.notify.webhooks[0].url must be an absolute http or https URL, got "
                        + "ftp://x.example/h");
        assertThatThrownBy(() -> properties(new WebhookProperties(null, URI.create("https://x.example"), null, null,
                List.of()))).hasMessage("lapse.notify.webhooks[0] must name its secret with exactly one of "
                        + "secret-file and secret-env");
        assertThatThrownBy(() -> properties(new WebhookProperties(null, URI.create("https://x.example"),
                Path.of("/s"), "S", List.of()))).hasMessageContaining("exactly one of secret-file and secret-env");
        assertThatThrownBy(() -> properties(new WebhookProperties(null, URI.create("https://x.example"), null, "S",
                List.of("grant.revoked")))).hasMessage("lapse.notify.webhooks[0].events: 'grant.revoked' is not one"
                        + " of [request.pending, request.approved, request.denied, grant.granted, grant.expiring,"
                        + " grant.expired]");
    }

    @Test
    void delivery_whenOutOfRange_namesTheKey() {
        assertThatThrownBy(() -> new Delivery(0, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(5),
                Duration.ofSeconds(10), 16)).hasMessage("lapse.notify.delivery.max-attempts must be 1..100, got 0");
        assertThatThrownBy(() -> new Delivery(8, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(10), 16)).hasMessage("lapse.notify.delivery.max-backoff must be at least "
                        + "lapse.notify.delivery.initial-backoff (PT2S), got PT1S");
    }

    @Test
    void configuration_whenNoWebhookConfigured_startsNothing() {
        new ApplicationContextRunner().withUserConfiguration(WebhookConfiguration.class)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WebhookFeed.class));
    }

    private static NotifyProperties properties(WebhookProperties webhook) {
        return new NotifyProperties(List.of(webhook), Duration.ofMinutes(5), DELIVERY, "request-service-webhooks",
                Duration.ofHours(1), Duration.ofSeconds(2), 10_000);
    }
}
