package dev.lapse.bench.lapse;

import dev.lapse.bench.drive.Completions;
import dev.lapse.bench.drive.Target;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Submits requests as people's tools do: {@code POST /v1/requests} with the requester's bearer token and a JSON body
 * naming the request id, over {@code inFlight} persistent HTTP/1.1 connections, each with a thread of its own making
 * one call at a time (a call is answered once the gate has judged the submission, up to
 * {@code lapse.request.verdict-timeout}), so at most {@code inFlight} calls wait for their answer at once. Anything but
 * 202 Accepted is a failure.
 */
public final class RestTarget implements Target {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final URI submit;
    private final String authorization;
    private final Completions completions;
    private final Approvable request;
    private final Semaphore inFlight;
    private final int permits;
    private final BlockingQueue<String> due = new LinkedBlockingQueue<>();
    private final List<Thread> callers = new ArrayList<>();

    /** @param bearerToken the token of {@code request}'s requester (see {@link Approvable#bearerToken}) */
    public RestTarget(String requestServiceUrl, String bearerToken, Completions completions, Approvable request,
            int inFlight) {
        this.submit = URI.create(requestServiceUrl + "/v1/requests");
        this.authorization = "Bearer " + bearerToken;
        this.completions = completions;
        this.request = request;
        this.permits = inFlight;
        this.inFlight = new Semaphore(inFlight);
        for (int i = 0; i < inFlight; i++) {
            // Small stacks: hundreds of these threads only wait on a queue or a socket.
            Thread caller = new Thread(null, this::call, "bench-rest-" + i, 256 * 1024);
            caller.setDaemon(true);
            caller.start();
            callers.add(caller);
        }
    }

    @Override
    public void submit(String id) {
        inFlight.acquireUninterruptibly();
        due.add(id);
    }

    private void call() {
        try (KeepAliveConnection connection = new KeepAliveConnection(submit, authorization,
                (int) CALL_TIMEOUT.toMillis())) {
            while (!Thread.currentThread().isInterrupted()) {
                String id = due.take();
                try {
                    KeepAliveConnection.Answer answer = connection.post(request.json(id));
                    if (answer.status() != 202) {
                        completions.failed(id, "POST /v1/requests answered " + answer.status() + ": "
                                + answer.body());
                    }
                } catch (IOException | RuntimeException e) {
                    completions.failed(id, "POST /v1/requests failed: " + e);
                } finally {
                    inFlight.release();
                }
            }
        } catch (InterruptedException e) {
            // closed: the calls are over
        }
    }

    /** Waits for the calls still under way to be answered, at most the call timeout, then closes the connections. */
    @Override
    public void close() {
        try {
            if (inFlight.tryAcquire(permits, CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                inFlight.release(permits);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            callers.forEach(Thread::interrupt);
        }
    }
}
