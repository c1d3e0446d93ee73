package dev.lapse.bench.lapse;

import dev.lapse.bench.drive.Completions;
import dev.lapse.bench.drive.Target;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Submits requests as people's tools do: {@code POST /v1/requests} with the requester's bearer token and a JSON body
 * naming the request id, from
 * concurrent calls of one {@link HttpClient}, at most {@code inFlight} waiting for their answer at once (a call is
 * answered once the gate has judged the submission, up to {@code lapse.request.verdict-timeout}). Anything but 202
 * Accepted is a failure.
 */
public final class RestTarget implements Target {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI submit;
    private final String authorization;
    private final Completions completions;
    private final Approvable request;
    private final Semaphore inFlight;
    private final int permits;

    /** @param bearerToken the token of {@code request}'s requester (see {@link Approvable#bearerToken}) */
    public RestTarget(String requestServiceUrl, String bearerToken, Completions completions, Approvable request,
            int inFlight) {
        this.submit = URI.create(requestServiceUrl + "/v1/requests");
        this.authorization = "Bearer " + bearerToken;
        this.completions = completions;
        this.request = request;
        this.permits = inFlight;
        this.inFlight = new Semaphore(inFlight);
    }

    @Override
    public void submit(String id) {
        inFlight.acquireUninterruptibly();
        HttpRequest call = HttpRequest.newBuilder(submit).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(request.json(id))).build();
        http.sendAsync(call, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            inFlight.release();
            if (error != null) {
                completions.failed(id, "POST /v1/requests failed: " + error);
            } else if (response.statusCode() != 202) {
                completions.failed(id, "POST /v1/requests answered " + response.statusCode() + ": "
                        + response.body());
            }
        });
    }

    /** Waits for the calls still under way to be answered, at most the call timeout. */
    @Override
    public void close() {
        try {
            if (inFlight.tryAcquire(permits, CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                inFlight.release(permits);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
