package dev.lapse.bench.postgres;

import dev.lapse.bench.BenchOptions;
import dev.lapse.bench.Section;
import dev.lapse.bench.Stand;
import dev.lapse.bench.drive.Completions;
import dev.lapse.bench.drive.Driver;
import dev.lapse.bench.drive.Target;
import dev.lapse.bench.drive.Trial;
import dev.lapse.bench.kafka.HopTimes;
import dev.lapse.bench.lapse.Approvable;
import dev.lapse.bench.lapse.RestTarget;
import dev.lapse.bench.load.BacklogRule;
import dev.lapse.bench.load.Schedule;
import dev.lapse.bench.report.Measurement;
import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import dev.lapse.event.AccessGranted;
import dev.lapse.grant.GrantIssuerApplication;
import dev.lapse.policy.PolicyEngineApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lapse provisioning grants in a real PostgreSQL (the server at {@code -Dlapse.postgres.url}, by default
 * {@code jdbc:postgresql://127.0.0.1:5432}, as {@code -Dlapse.postgres.user}, by default {@code postgres}), in a
 * database and roles of its own, dropped at the end. Requests can name no other kind than {@code postgres}, so the
 * run's grant-issuer, which has no target, grants them as events only; for the section it is restarted with the
 * section's database as its target {@code postgres}, and restarted as it was at the end. After a warm-up at the
 * modest rate of the comparison, three steps:
 * <ol>
 *   <li>with the target: requesters that each keep one session open get grants of 1–2 s one after the other; each
 *       session reads the granted column every few milliseconds from shortly before {@code expiresAt} until a read
 *       fails: how long after {@code expiresAt} access really ends, and the revoker's and grant-issuer's parts of it
 *       from {@code AccessExpired} and {@code AccessWithdrawn};</li>
 *   <li>submitted → granted again, the same requests at the same rate, now provisioned in the database; then they
 *       are revoked and withdrawn, so no grant role is left;</li>
 *   <li>submitted → granted the same way once more, with grant-issuer restarted as it was (events only), after as
 *       many unreported requests again (the restart's consumer-group rebalance holds its first ones): last, so that
 *       both passes of the comparison run warm.</li>
 * </ol>
 * When no server answers, its rows say so and are skipped, unless the environment sets {@code LAPSE_REQUIRE_POSTGRES}:
 * then they are missing and the run fails.
 */
public final class PostgresSection implements Section {

    /** Row id: expiresAt → the requester's open session can no longer read. */
    public static final String READ_ENDED = "postgres.expiry.read-denied";
    /** Row id: expiresAt → AccessExpired. */
    public static final String EXPIRED = "postgres.expiry.expired";
    /** Row id: AccessExpired → AccessWithdrawn. */
    public static final String WITHDRAWN = "postgres.expiry.withdrawn";
    /** Row id: submitted → granted, granted as an event only. */
    public static final String EVENT_ONLY = "postgres.granted.event-only";
    /** Row id: submitted → granted, provisioned in PostgreSQL. */
    public static final String PROVISIONED = "postgres.granted.provisioned";
    /** Row id: what provisioning adds. */
    public static final String ADDED = "postgres.granted.added";

    private static final Logger log = LoggerFactory.getLogger(PostgresSection.class);
    private static final String SECTION = "PostgreSQL";
    /** The revoker's {@code lapse.revoker.tick-ms}, which the run leaves at its default. */
    private static final double REVOKER_TICK_MS = 10;
    private static final long MAX_MS = 600_000;

    private final BenchOptions.Postgres options;
    private final String serverUrl = System.getProperty("lapse.postgres.url", "jdbc:postgresql://127.0.0.1:5432");

    public PostgresSection(BenchOptions options) {
        this.options = options.postgres();
    }

    @Override
    public String name() {
        return SECTION;
    }

    @Override
    public List<Row> run(Stand stand, Table soFar) throws Exception {
        String runTag = UUID.randomUUID().toString().substring(0, 8);
        BenchDatabase database = new BenchDatabase(serverUrl, System.getProperty("lapse.postgres.user", "postgres"),
                System.getProperty("lapse.postgres.password", ""), runTag, options.sessions() + 1);
        try {
            database.create();
        } catch (SQLException e) {
            return unavailable(e);
        }
        // Ctrl-C during the section: drop what it made.
        Thread dropOnExit = new Thread(database::dropQuietly, "bench-drop-postgres");
        Runtime.getRuntime().addShutdownHook(dropOnExit);
        boolean targetOn = false;
        boolean policiesOn = false;
        try {
            Completions completions = new Completions();
            try (GrantEvents events = GrantEvents.start(stand.bootstrapServers(), stand.registryUrl(), completions)) {
                // The sample policies speak about the demo's crm only: policy-engine gets the section's own.
                log.info("PostgreSQL: restarting policy-engine with policies for {}", database.table());
                policiesOn = true;
                stand.serviceRestart().restart(PolicyEngineApplication.NAME,
                        database.policyArguments(stand.dataDir().resolve("policies")));
                List<String> roles = database.requesters();
                Approvable request = new Approvable(Duration.ofHours(1), roles.get(roles.size() - 1) + "@example.com",
                        database.table());
                compare(stand, completions, request, "warm-up", options.warmupRequests(), false);
                log.info("PostgreSQL: restarting grant-issuer with the target postgres ({})", database.table());
                targetOn = true;
                stand.serviceRestart().restart(GrantIssuerApplication.NAME, database.targetArguments());
                List<ReadingSession.Ending> endings = expireWhileReading(stand, database, events,
                        roles.subList(0, options.sessions()));
                Comparison provisioned = compare(stand, completions, request, "provisioned",
                        options.compareRequests(), true);
                List<String> grantIds = new ArrayList<>();
                int revoked = revokeAndAwait(stand, events, provisioned, grantIds);
                endings.forEach(ending -> grantOf(events, ending.requestId(), grantIds));
                List<String> left = database.grantRolesLeft(grantIds);
                // The event-only pass comes last, on grant-issuer restarted as it was: both passes then run warm
                // (the first pass after start-up measured JIT warm-up, not provisioning).
                stand.serviceRestart().restart(GrantIssuerApplication.NAME, List.of());
                targetOn = false;
                // The restarted grant-issuer's first requests wait for its consumer group to settle: not what the
                // pass compares, so they are a warm-up of their own.
                compare(stand, completions, request, "warm-up after the restart", options.warmupRequests(), false);
                Comparison eventOnly = compare(stand, completions, request, "event only", options.compareRequests(),
                        true);
                List<Row> rows = new ArrayList<>(expiryRows(events, endings, left));
                rows.addAll(compareRows(events, eventOnly, provisioned, revoked));
                return rows;
            }
        } finally {
            try {
                if (targetOn) {
                    // Closes the target's connections too, before the database is dropped.
                    stand.serviceRestart().restart(GrantIssuerApplication.NAME, List.of());
                }
                if (policiesOn) {
                    stand.serviceRestart().restart(PolicyEngineApplication.NAME, List.of());
                }
            } finally {
                database.dropQuietly();
                try {
                    Runtime.getRuntime().removeShutdownHook(dropOnExit);
                } catch (IllegalStateException shuttingDown) {
                    // the hook drops it (again: every step is IF EXISTS)
                }
            }
        }
    }

    private List<Row> unavailable(SQLException e) {
        String why = "no PostgreSQL at " + serverUrl + ": " + e.getMessage();
        boolean required = System.getenv("LAPSE_REQUIRE_POSTGRES") != null;
        log.warn("PostgreSQL section {}: {}", required ? "failed (LAPSE_REQUIRE_POSTGRES is set)" : "skipped", why);
        Function<String, Measurement> value = required
                ? reason -> new Measurement.Missing(reason + " (LAPSE_REQUIRE_POSTGRES is set)")
                : reason -> new Measurement.Skipped("skipped: " + reason);
        return List.of(
                new Row(READ_ENDED, SECTION, readFigure(), value.apply(why), ""),
                new Row(EXPIRED, SECTION, expiredFigure(), value.apply(why), ""),
                new Row(WITHDRAWN, SECTION, withdrawnFigure(), value.apply(why), ""),
                new Row(EVENT_ONLY, SECTION, compareFigure("granted as an event only"), value.apply(why), ""),
                new Row(PROVISIONED, SECTION, compareFigure("provisioned in PostgreSQL"), value.apply(why), ""),
                new Row(ADDED, SECTION, addedFigure(), value.apply(why), ""));
    }

    /**
     * A comparison run: its trial, the requests it submitted, where their time went hop by hop, and how long it waited
     * for the JVM to come to rest first (a note's ending).
     */
    private record Comparison(Trial trial, List<String> ids, String hops, String rested) {
    }

    /** Submitted → granted over REST at the comparison rate, until every request is granted or the cap passes. */
    // A warm-up's hops are never reported, so they are not read back.
    private Comparison compare(Stand stand, Completions completions, Approvable request, String what, int count,
            boolean hopsReported) {
        Duration window = Duration.ofMillis(Math.round(1000.0 * count / options.compareRate()));
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        try (RestTarget rest = new RestTarget(stand.requestServiceUrl(), request.bearerToken(stand.identityDirectory()),
                completions, request, 64)) {
            Target target = new Target() {
                @Override
                public void submit(String id) {
                    ids.add(id);
                    rest.submit(id);
                }

                @Override
                public void close() {
                    rest.close();
                }
            };
            Driver driver = new Driver(target, completions);
            // A measured pass starts once the JVM is quiet, as the Lapse latency trials do: right after a restart the
            // JIT compiles the restarted service's paths, and its compiler threads can take both cores meanwhile.
            String rested = hopsReported ? driver.awaitQuiet(Driver.REST_CAP).note() : "";
            long fromMs = System.currentTimeMillis();
            // Never stopped early: the rate is modest, and every request must end for the rows and the clean-up.
            Trial trial = driver.offer("postgres " + what, new Schedule(options.compareRate()), window,
                    new BacklogRule(count + 1, count + 1));
            driver.drain(trial, options.cap());
            log.info("PostgreSQL: submitted → granted at {}/s, {}: {}", options.compareRate(), what,
                    trial.latency().text());
            String hops = hopsReported ? HopTimes.describe(stand.bootstrapServers(), HopTimes.REQUEST_PATH, fromMs,
                    System.currentTimeMillis()) : "";
            return new Comparison(trial, List.copyOf(ids), hops, rested);
        }
    }

    private List<ReadingSession.Ending> expireWhileReading(Stand stand, BenchDatabase database, GrantEvents events,
            List<String> roles) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long shortestMs = options.shortest().toMillis();
        long spreadMs = options.longest().toMillis() - shortestMs;
        int grants = roles.size() * options.grantsEach();
        ExecutorService pool = Executors.newFixedThreadPool(roles.size(), runnable -> {
            Thread thread = new Thread(runnable, "bench-postgres-session");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<List<ReadingSession.Ending>>> sessions = new ArrayList<>();
            for (int r = 0; r < roles.size(); r++) {
                int first = r * options.grantsEach();
                // Durations spread evenly over [shortest, longest], interleaved over the sessions.
                List<Duration> durations = IntStream.range(first, first + options.grantsEach())
                        .mapToObj(i -> Duration.ofMillis(shortestMs + spreadMs * ((i * 7L) % grants) / grants))
                        .toList();
                sessions.add(pool.submit(new ReadingSession(database, roles.get(r), durations, options.pollEvery(),
                        options.cap(), events, http, stand.requestServiceUrl(),
                        Approvable.bearerToken(stand.identityDirectory(), roles.get(r) + "@example.com"))));
            }
            List<ReadingSession.Ending> endings = new ArrayList<>();
            for (Future<List<ReadingSession.Ending>> session : sessions) {
                endings.addAll(session.get());
            }
            // The withdrawals the rows read come after the reads failed, or at about the same time.
            long deadline = System.nanoTime() + options.cap().toNanos();
            for (ReadingSession.Ending ending : endings) {
                events.await(ending.requestId(), fate -> fate.withdrawn() != null, deadline);
            }
            return endings;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Revokes the granted requests of a trial and waits for their withdrawal; how many were revoked. */
    private int revokeAndAwait(Stand stand, GrantEvents events, Comparison trial, List<String> grantIds) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        // The run ends the grants of its requesters as an admin.
        String admin = Approvable.adminToken(stand.identityDirectory());
        List<String> revoked = new ArrayList<>();
        for (String requestId : trial.ids()) {
            AccessGranted granted = events.fate(requestId).granted();
            if (granted == null) {
                continue;
            }
            grantIds.add(granted.getGrantId());
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(stand.requestServiceUrl()
                    + "/v1/grants/" + granted.getGrantId() + "/revoke")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + admin)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"reason\": \"end of the PostgreSQL section\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 202) {
                throw new IllegalStateException("revoking grant " + granted.getGrantId() + " answered "
                        + answer.statusCode() + ": " + answer.body());
            }
            revoked.add(requestId);
        }
        long deadline = System.nanoTime() + options.cap().toNanos();
        for (String requestId : revoked) {
            if (events.await(requestId, fate -> fate.withdrawn() != null, deadline).isEmpty()) {
                throw new IllegalStateException("grant of request " + requestId + " was revoked but not withdrawn"
                        + " within " + options.cap().toSeconds() + " s");
            }
        }
        return revoked.size();
    }

    private static void grantOf(GrantEvents events, String requestId, List<String> grantIds) {
        AccessGranted granted = events.fate(requestId).granted();
        if (granted != null) {
            grantIds.add(granted.getGrantId());
        }
    }

    private List<Row> expiryRows(GrantEvents events, List<ReadingSession.Ending> endings, List<String> left) {
        Histogram read = histogram();
        Histogram expired = histogram();
        Histogram withdrawn = histogram();
        int terminated = 0;
        int missed = 0;
        int early = 0;
        for (ReadingSession.Ending ending : endings) {
            if (ending.missed()) {
                missed++;
                continue;
            }
            long lag = ending.deniedAtMs() - ending.expiresAtMs();
            early += lag < 0 ? 1 : 0;
            read.recordValue(clamp(lag));
            terminated += ending.terminated() ? 1 : 0;
            GrantEvents.Fate fate = events.fate(ending.requestId());
            if (fate.expired() != null) {
                long expiredAt = fate.expired().getOccurredAt().toEpochMilli();
                expired.recordValue(clamp(expiredAt - ending.expiresAtMs()));
                if (fate.withdrawn() != null) {
                    withdrawn.recordValue(clamp(fate.withdrawn().getOccurredAt().toEpochMilli() - expiredAt));
                }
            }
        }
        String grants = String.format(Locale.ROOT, "%,d grants of %.1f–%.1f s to %d requesters, one at a time each",
                endings.size(), options.shortest().toMillis() / 1000.0, options.longest().toMillis() / 1000.0,
                options.sessions());
        StringBuilder readNote = new StringBuilder(String.format(Locale.ROOT, "%s; each requester's one session"
                + " (open before its first grant) read the column every %d ms from %d ms before expiresAt: the"
                + " moment the first failing read came back minus expiresAt; %d failed with permission denied, %d"
                + " because withdrawal ended the session mid-read", grants, options.pollEvery().toMillis(), 100,
                endings.size() - missed - terminated, terminated));
        if (missed > 0) {
            readNote.append(String.format(Locale.ROOT, "; %d expired before AccessGranted was seen, left out", missed));
        }
        if (early > 0) {
            readNote.append(String.format(Locale.ROOT, "; %d ended BEFORE expiresAt (counted as 0)", early));
        }
        readNote.append(left.isEmpty() ? "; no grant role of the section left after withdrawal"
                : "; grant roles left after withdrawal (dropped by the benchmark): " + left);
        List<Row> rows = new ArrayList<>();
        rows.add(lagRow(READ_ENDED, readFigure(), read, readNote.toString()));
        rows.add(lagRow(EXPIRED, expiredFigure(), expired, "AccessExpired.occurredAt minus expiresAt (the revoker"
                + " took the grant off its wheel), same grants"));
        rows.add(lagRow(WITHDRAWN, withdrawnFigure(), withdrawn, "AccessWithdrawn.occurredAt minus"
                + " AccessExpired.occurredAt: the commit of the expiry, grant-issuer reading it, revoking the role,"
                + " ending the requester's statements under way and dropping it; same grants"));
        return rows;
    }

    private List<Row> compareRows(GrantEvents events, Comparison eventOnly, Comparison provisioned, int revoked) {
        long provisionedCount = provisioned.ids().stream().map(events::fate).filter(fate -> fate.granted() != null
                && !fate.granted().getProvisioned().isEmpty()).count();
        long eventOnlyCount = eventOnly.ids().stream().map(events::fate).filter(fate -> fate.granted() != null
                && fate.granted().getProvisioned().isEmpty()).count();
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(EVENT_ONLY, SECTION, compareFigure("granted as an event only"), eventOnly.trial().latency(),
                compareNote(eventOnly, String.format(Locale.ROOT, "grant-issuer without a target, as in the Lapse"
                        + " rows above; %d of them granted with nothing provisioned; hops by record timestamps: %s",
                        eventOnlyCount, eventOnly.hops()))));
        rows.add(new Row(PROVISIONED, SECTION, compareFigure("provisioned in PostgreSQL"),
                provisioned.trial().latency(), compareNote(provisioned, String.format(Locale.ROOT, "grant-issuer with the target postgres, after"
                        + " the expiry runs warmed it: %d granted with a role made in the database; then %d revoked"
                        + " and withdrawn; hops by record timestamps: %s", provisionedCount, revoked,
                        provisioned.hops()))));
        if (eventOnly.trial().latency() instanceof Measurement.Latency before
                && provisioned.trial().latency() instanceof Measurement.Latency after) {
            rows.add(new Row(ADDED, SECTION, addedFigure(), new Measurement.Amount(after.p50Ms() - before.p50Ms(),
                    "ms at p50"), String.format(Locale.ROOT, "p50 %.1f − %.1f ms; at p99: %+.1f ms (%.1f − %.1f);"
                    + " p99 of %d requests is their 2nd or 3rd slowest, so read it as a rough figure",
                    after.p50Ms(), before.p50Ms(), after.p99Ms() - before.p99Ms(), after.p99Ms(), before.p99Ms(),
                    options.compareRequests())));
        } else {
            rows.add(new Row(ADDED, SECTION, addedFigure(), new Measurement.Missing("a latency above is missing"),
                    ""));
        }
        return rows;
    }

    private String compareNote(Comparison comparison, String what) {
        Trial trial = comparison.trial();
        StringBuilder note = new StringBuilder(String.format(Locale.ROOT, "%,d requests over REST, each for an"
                + " hour, after %d unreported at the same rate; %s", trial.offeredCount(), options.warmupRequests(),
                what));
        if (trial.backlog() > 0) {
            note.append(String.format(Locale.ROOT, "; %,d not granted within %d s, left out", trial.backlog(),
                    options.cap().toSeconds()));
        }
        if (trial.failedCount() > 0) {
            note.append(String.format(Locale.ROOT, "; %,d failed (first: %s)", trial.failedCount(),
                    trial.firstFailure().orElse("")));
        }
        note.append(comparison.rested());
        return note.toString();
    }

    private static Row lagRow(String id, String figure, Histogram lags, String note) {
        if (lags.getTotalCount() == 0) {
            return new Row(id, SECTION, figure, new Measurement.Missing("no grant was measured"), note);
        }
        return new Row(id, SECTION, figure, new Measurement.Lag(lags.getValueAtPercentile(50),
                lags.getValueAtPercentile(99), lags.getMaxValue(), lags.getTotalCount(), REVOKER_TICK_MS), note);
    }

    private static String readFigure() {
        return "expiresAt → the requester's open session can no longer read the column";
    }

    private static String expiredFigure() {
        return "… of which expiresAt → AccessExpired (revoker)";
    }

    private static String withdrawnFigure() {
        return "… of which AccessExpired → AccessWithdrawn (grant-issuer revoked and dropped the role)";
    }

    private String compareFigure(String how) {
        return String.format(Locale.ROOT, "submitted → granted at %s requests/s offered, %s",
                rate(options.compareRate()), how);
    }

    private static String addedFigure() {
        return "what provisioning in PostgreSQL adds to submitted → granted";
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, perSecond == Math.rint(perSecond) ? "%.0f" : "%.1f", perSecond);
    }

    private static Histogram histogram() {
        return new Histogram(MAX_MS, 3);
    }

    private static long clamp(long ms) {
        return Math.min(MAX_MS, Math.max(0, ms));
    }
}
