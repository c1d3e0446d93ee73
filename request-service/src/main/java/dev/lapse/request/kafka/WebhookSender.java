package dev.lapse.request.kafka;

import dev.lapse.request.notify.Dispatch;
import dev.lapse.request.notify.ReceiverAnswer;
import dev.lapse.request.notify.WebhookSignature;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sends one delivery attempt: a signed JSON POST with the JDK's HTTP client, asynchronously, so no thread waits on
 * a slow receiver. The answer never fails: an error is an {@link ReceiverAnswer.Unreachable}.
 */
final class WebhookSender {

    /** Header with the notification's id, also in the body, for receivers that dedupe before parsing. */
    static final String ID_HEADER = "Lapse-Notification-Id";
    /** Header with the attempt's number, 1 for the first. */
    static final String ATTEMPT_HEADER = "Lapse-Delivery-Attempt";

    private final HttpClient http;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Clock clock;

    WebhookSender(Duration connectTimeout, Duration requestTimeout, Clock clock) {
        // HTTP/1.1: no h2c upgrade dance with receivers that do not speak HTTP/2; redirects are not followed, so a
        // signed body never goes anywhere but the configured URL.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    CompletableFuture<ReceiverAnswer> send(Dispatch dispatch) {
        byte[] body = dispatch.notification().toJson().getBytes(StandardCharsets.UTF_8);
        long timestampSeconds = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(dispatch.webhook().url())
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Lapse-Webhooks/1")
                .header(WebhookSignature.HEADER, dispatch.webhook().signature().sign(timestampSeconds, body))
                .header(ID_HEADER, dispatch.notification().id())
                .header(ATTEMPT_HEADER, Integer.toString(dispatch.attempt()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .handle((response, error) -> error == null ? new ReceiverAnswer.Status(response.statusCode())
                            : new ReceiverAnswer.Unreachable(describe(error)));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new ReceiverAnswer.Unreachable(describe(e)));
        }
    }

    private String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpConnectTimeoutException) {
            return "cannot connect within " + connectTimeout;
        }
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + requestTimeout;
        }
        if (cause instanceof ConnectException) {
            return "cannot connect" + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
