package dev.lapse.request.kafka;

import dev.lapse.request.notify.Backoff;
import dev.lapse.request.notify.NotificationType;
import dev.lapse.request.notify.Notifier;
import dev.lapse.request.notify.Webhook;
import dev.lapse.request.notify.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the webhook notifier, under {@code lapse.notify}. With no webhook configured nothing runs. Secrets are
 * never in this file's values: each webhook names a file or an environment variable that holds its secret.
 *
 * @param webhooks the receivers
 * @param expiringLead how long before a grant's expiry its {@code grant.expiring} notice is sent
 * @param delivery retries and timeouts of deliveries
 * @param groupId the notifier's own consumer group: its offsets say what has been notified
 * @param openRequestRetention how long who-asked-for-what is kept for a request not yet closed, counted from the
 *     request, its pending deadline or its grant's expiry (see {@link Notifier.Options})
 * @param orderWait how long a record may wait for an earlier one of the same request on another topic
 * @param maxBacklog notifications not yet finished (plus records waiting their turn) at which consumption pauses,
 *     so a receiver that is down costs bounded memory
 */
@ConfigurationProperties("lapse.notify")
record NotifyProperties(
        @DefaultValue List<WebhookProperties> webhooks,
        @DefaultValue("PT5M") Duration expiringLead,
        @DefaultValue Delivery delivery,
        @DefaultValue("request-service-webhooks") String groupId,
        @DefaultValue("PT1H") Duration openRequestRetention,
        @DefaultValue("PT2S") Duration orderWait,
        @DefaultValue("10000") int maxBacklog) {

    NotifyProperties {
        for (int i = 0; i < webhooks.size(); i++) {
            webhooks.get(i).validate("lapse.notify.webhooks[" + i + "]");
        }
        if (expiringLead.isNegative()) {
            throw new IllegalArgumentException("lapse.notify.expiring-lead must not be negative, got " + expiringLead);
        }
        if (groupId.isBlank()) {
            throw new IllegalArgumentException("lapse.notify.group-id must not be blank");
        }
        if (openRequestRetention.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("lapse.notify.open-request-retention must be at least PT1S, got "
                    + openRequestRetention);
        }
        if (orderWait.isNegative() || orderWait.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("lapse.notify.order-wait must be PT0S..PT1M, got " + orderWait);
        }
        if (maxBacklog < 1) {
            throw new IllegalArgumentException("lapse.notify.max-backlog must be at least 1, got " + maxBacklog);
        }
    }

    Notifier.Options toOptions() {
        return new Notifier.Options(expiringLead, delivery.toBackoff(), delivery.maxInFlight(), openRequestRetention,
                orderWait);
    }

    /**
     * The receivers, with their secrets read from their files or environment variables.
     *
     * @throws IllegalArgumentException naming the key, when a secret cannot be read or is too short
     */
    List<Webhook> toWebhooks(Function<String, @Nullable String> environment) {
        List<Webhook> result = new ArrayList<>();
        for (int i = 0; i < webhooks.size(); i++) {
            result.add(webhooks.get(i).toWebhook("lapse.notify.webhooks[" + i + "]", environment));
        }
        return result;
    }

    /**
     * One receiver.
     *
     * @param name a name for logs and metrics; defaults to the URL's host and port
     * @param url where notifications are POSTed (http or https)
     * @param secretFile a file holding the signing secret (surrounding white space is ignored)
     * @param secretEnv an environment variable holding the signing secret; exactly one of the two is set
     * @param events the types this receiver wants ({@code request.pending}, ..., {@code grant.expired}); empty: all
     */
    record WebhookProperties(@Nullable String name, @Nullable URI url, @Nullable Path secretFile,
            @Nullable String secretEnv, @DefaultValue List<String> events) {

        void validate(String key) {
            if (url == null) {
                throw new IllegalArgumentException(key + ".url is required");
            }
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!url.isAbsolute() || url.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                throw new IllegalArgumentException(key + ".url must be an absolute http or https URL, got " + url);
            }
            if ((secretFile == null) == (secretEnv == null || secretEnv.isBlank())) {
                throw new IllegalArgumentException(key + " must name its secret with exactly one of secret-file and"
                        + " secret-env");
            }
            for (String event : events) {
                if (NotificationType.byWireName(event).isEmpty()) {
                    throw new IllegalArgumentException(key + ".events: '" + event + "' is not one of "
                            + EnumSet.allOf(NotificationType.class).stream().map(NotificationType::wireName).toList());
                }
            }
        }

        Webhook toWebhook(String key, Function<String, @Nullable String> environment) {
            URI target = url;
            String secret;
            String from;
            if (secretFile != null) {
                from = key + ".secret-file (" + secretFile + ")";
                try {
                    secret = Files.readString(secretFile, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new IllegalArgumentException(from + " cannot be read: " + e.getMessage(), e);
                }
            } else {
                from = key + ".secret-env (" + secretEnv + ")";
                String value = environment.apply(secretEnv);
                if (value == null) {
                    throw new IllegalArgumentException(from + " is not set");
                }
                secret = value.strip();
            }
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < WebhookSignature.MIN_SECRET_BYTES) {
                throw new IllegalArgumentException(from + " holds " + bytes.length + " bytes; a secret needs at least "
                        + WebhookSignature.MIN_SECRET_BYTES);
            }
            Set<NotificationType> types = EnumSet.noneOf(NotificationType.class);
            events.forEach(event -> types.add(NotificationType.byWireName(event).orElseThrow()));
            String shown = name != null && !name.isBlank() ? name
                    : target.getHost() + (target.getPort() < 0 ? "" : ":" + target.getPort());
            return new Webhook(shown, target, new WebhookSignature(bytes), types);
        }
    }

    /**
     * How deliveries are tried.
     *
     * @param maxAttempts attempts per notification and receiver, the first included, before it is given up
     * @param initialBackoff the base wait after the first failed attempt; it doubles after each (see {@link Backoff})
     * @param maxBackoff the longest base wait
     * @param connectTimeout how long connecting to a receiver may take
     * @param requestTimeout how long a receiver may take to answer
     * @param maxInFlight how many requests to one receiver may be open at once
     */
    record Delivery(
            @DefaultValue("8") int maxAttempts,
            @DefaultValue("PT2S") Duration initialBackoff,
            @DefaultValue("PT5M") Duration maxBackoff,
            @DefaultValue("PT5S") Duration connectTimeout,
            @DefaultValue("PT10S") Duration requestTimeout,
            @DefaultValue("16") int maxInFlight) {

        Delivery {
            if (maxAttempts < 1 || maxAttempts > 100) {
                throw new IllegalArgumentException("lapse.notify.delivery.max-attempts must be 1..100, got "
                        + maxAttempts);
            }
            if (initialBackoff.toMillis() < 1) {
                throw new IllegalArgumentException("lapse.notify.delivery.initial-backoff must be at least 1 ms, got "
                        + initialBackoff);
            }
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("lapse.notify.delivery.max-backoff must be at least "
                        + "lapse.notify.delivery.initial-backoff (" + initialBackoff + "), got " + maxBackoff);
            }
            if (connectTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("lapse.notify.delivery.connect-timeout must be positive, got "
                        + connectTimeout);
            }
            if (requestTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("lapse.notify.delivery.request-timeout must be positive, got "
                        + requestTimeout);
            }
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("lapse.notify.delivery.max-in-flight must be at least 1, got "
                        + maxInFlight);
            }
        }

        Backoff toBackoff() {
            return new Backoff(initialBackoff, maxBackoff, maxAttempts);
        }
    }
}
