package dev.lapse.bench.postgres;

import dev.lapse.bench.lapse.Approvable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One requester with one database session open throughout, as a person's SQL client would be: it asks for a grant on
 * the {@code email} column over REST, waits for it, reads the column in that session to see the grant is real, then
 * from shortly before {@code expiresAt} reads it every {@code pollEvery} until a read fails; then the next grant.
 * Grants come one at a time, so the requester's access ends exactly when the grant at hand ends.
 */
final class ReadingSession implements Callable<List<ReadingSession.Ending>> {

    /** The read whose privilege is measured; the column is granted, the rest of the table never is. */
    static final String READ = "SELECT email FROM public.customers LIMIT 1";

    /** Reading starts this long before {@code expiresAt}: before it, the access is there anyway. */
    private static final long LEAD_MS = 100;
    private static final String PERMISSION_DENIED = "42501";

    /**
     * How one grant ended for the session.
     *
     * @param requestId the grant's request
     * @param expiresAtMs its {@code expiresAt}
     * @param deniedAtMs when the first read that failed came back (the read before it succeeded); -1 when the grant
     *     had expired before its {@code AccessGranted} was seen, so nothing of it could be measured
     * @param terminated whether that read failed because withdrawal ended the session (then reconnected), not
     *     with "permission denied"
     */
    record Ending(String requestId, long expiresAtMs, long deniedAtMs, boolean terminated) {

        boolean missed() {
            return deniedAtMs < 0;
        }
    }

    private final BenchDatabase database;
    private final String role;
    private final List<Duration> durations;
    private final Duration pollEvery;
    private final Duration cap;
    private final GrantEvents events;
    private final HttpClient http;
    private final URI submit;
    private final String authorization;

    /**
     * @param durations the grants to ask for, one after the other
     * @param cap how long a grant may take to be granted, and its read to fail after {@code expiresAt}
     * @param bearerToken the token of the requester {@code <role>@example.com}
     */
    ReadingSession(BenchDatabase database, String role, List<Duration> durations, Duration pollEvery, Duration cap,
            GrantEvents events, HttpClient http, String requestServiceUrl, String bearerToken) {
        this.authorization = "Bearer " + bearerToken;
        this.database = database;
        this.role = role;
        this.durations = List.copyOf(durations);
        this.pollEvery = pollEvery;
        this.cap = cap;
        this.events = events;
        this.http = http;
        this.submit = URI.create(requestServiceUrl + "/v1/requests");
    }

    /** Runs the grants; a grant that goes wrong (denied, not readable, never withdrawn) stops the session. */
    @Override
    public List<Ending> call() throws Exception {
        List<Ending> endings = new ArrayList<>();
        Connection session = database.login(role);
        try {
            if (read(session) == null) {
                throw new IllegalStateException(role + " can read " + READ + " before any grant: the set-up is wrong");
            }
            for (Duration duration : durations) {
                String requestId = UUID.randomUUID().toString();
                submit(requestId, duration);
                long deadline = System.nanoTime() + cap.toNanos();
                GrantEvents.Fate fate = events.await(requestId, f -> f.granted() != null || f.deniedBecause() != null,
                        deadline).orElseThrow(() -> new IllegalStateException("request " + requestId + " of " + role
                        + " was neither granted nor denied within " + cap.toSeconds() + " s"));
                if (fate.granted() == null) {
                    throw new IllegalStateException("request " + requestId + " of " + role + " was denied: "
                            + fate.deniedBecause());
                }
                long expiresAtMs = fate.granted().getExpiresAt().toEpochMilli();
                @Nullable SQLException unreadable = read(session);
                if (unreadable != null && !PERMISSION_DENIED.equals(unreadable.getSQLState())
                        && (session.isClosed() || !session.isValid(1))) {
                    // The previous grant's withdrawal ended the session while it read: a new one, as a client would.
                    session.close();
                    session = database.login(role);
                    unreadable = read(session);
                }
                if (unreadable != null) {
                    if (System.currentTimeMillis() >= expiresAtMs) {
                        endings.add(new Ending(requestId, expiresAtMs, -1, false));
                        continue;
                    }
                    throw new IllegalStateException(role + " cannot read the column although AccessGranted of "
                            + requestId + " was published: " + unreadable.getSQLState() + " "
                            + unreadable.getMessage(), unreadable);
                }
                sleepUntil(expiresAtMs - LEAD_MS);
                long giveUpMs = expiresAtMs + cap.toMillis();
                while (true) {
                    @Nullable SQLException failed = read(session);
                    long nowMs = System.currentTimeMillis();
                    if (failed != null) {
                        boolean terminated = !PERMISSION_DENIED.equals(failed.getSQLState());
                        if (terminated && !session.isClosed() && session.isValid(1)) {
                            throw new IllegalStateException(role + "'s read failed for another reason than its"
                                    + " grant's end: " + failed.getMessage(), failed);
                        }
                        endings.add(new Ending(requestId, expiresAtMs, nowMs, terminated));
                        if (terminated) {
                            session.close();
                            session = database.login(role);
                        }
                        break;
                    }
                    if (nowMs > giveUpMs) {
                        throw new IllegalStateException(role + " could still read the column " + cap.toSeconds()
                                + " s after its grant " + requestId + " expired");
                    }
                    LockSupport.parkNanos(pollEvery.toNanos());
                }
            }
            return endings;
        } finally {
            session.close();
        }
    }

    /** Null when the read succeeded, else why it failed. */
    private static @Nullable SQLException read(Connection session) {
        try (Statement statement = session.createStatement(); ResultSet rows = statement.executeQuery(READ)) {
            rows.next();
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    private void submit(String requestId, Duration duration) throws Exception {
        String body = new Approvable(duration, role + "@example.com", database.table()).json(requestId);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(submit).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("POST /v1/requests answered " + answer.statusCode() + ": "
                    + answer.body());
        }
    }

    private static void sleepUntil(long epochMs) throws InterruptedException {
        long waitMs = epochMs - System.currentTimeMillis();
        if (waitMs > 0) {
            TimeUnit.MILLISECONDS.sleep(waitMs);
        }
    }
}
