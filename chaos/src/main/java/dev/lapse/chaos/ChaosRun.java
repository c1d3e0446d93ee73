package dev.lapse.chaos;

import dev.lapse.audit.AuditSinkApplication;
import dev.lapse.chaos.report.AuditTally;
import dev.lapse.chaos.report.ChaosReport;
import dev.lapse.chaos.report.Lifecycle;
import dev.lapse.chaos.report.Outage;
import dev.lapse.chaos.report.Submission;
import dev.lapse.chaos.report.TargetWatch;
import dev.lapse.embedded.SchemaRegistryProcess;
import dev.lapse.grant.GrantIssuerApplication;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.revoker.RevokerApplication;
import dev.lapse.schemas.Topics;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.DoubleStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos run: starts the five services as processes on the embedded broker and registry, drives a steady load
 * (see {@link LoadDriver}), kills every service with SIGKILL at random moments and starts it again, restarts the
 * broker, waits for every accepted request to end and for a quiet period, then judges what the topics and the audit
 * files hold and prints one table ({@link ChaosReport}). Exit code 0 when every row that must hold did, 1 when one
 * did not, 2 when the run could not be made.
 *
 * <p>Service kills may overlap (a service is killed again only once it is back). The broker restart waits until
 * every service is back, and no service is killed while the broker is away. The revoker is killed only while every
 * other part is up and grants are being issued, so that grants fall due while it is down.
 */
public final class ChaosRun {

    private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);
    /** The revoker's Prometheus gauge of when it had restored its active grants after a start, epoch ms. */
    static final String RESTORE_METRIC = "lapse_revoker_restore_completed_epoch_ms";
    /** grant-issuer's gauge of the expiry partitions it consumes. */
    static final String EXPIRY_PARTITIONS_METRIC = "lapse_grant_expiry_partitions";
    private static final Duration BACK_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration QUIET = Duration.ofSeconds(3);
    /** Grants are being issued when one was read this recently. */
    private static final Duration FLOWING = Duration.ofSeconds(2);
    private static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(60);

    private ChaosRun() {
    }

    /** One event of the schedule: kill a service, or restart the broker, at a moment of the load. */
    private record Event(String part, long atMs) {
    }

    public static void main(String[] args) {
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("chaos: " + e.getMessage());
            System.exit(2);
            return;
        }
        Optional<Path> home = SchemaRegistryProcess.homeFromEnvironment();
        if (home.isEmpty()) {
            System.err.println("chaos: the Apicurio registry distribution was not found; build with ./mvnw -Pchaos"
                    + " -pl chaos -am -DskipTests verify, or set -Dlapse.registry.home");
            System.exit(2);
            return;
        }
        ChaosReport report;
        try {
            report = run(options, home.get(), serviceClasspath());
        } catch (RuntimeException e) {
            log.error("The chaos run could not be made", e);
            System.err.println("chaos: the run could not be made: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(report.passed() ? 0 : 1);
    }

    /** The classpath of the service processes: {@code -Dlapse.chaos.classpath} (set by the build), else this JVM's. */
    public static String serviceClasspath() {
        String classpath = System.getProperty("lapse.chaos.classpath", "");
        return classpath.isBlank() || classpath.startsWith("${") ? System.getProperty("java.class.path") : classpath;
    }

    /** Makes a run and prints its table to standard output. */
    public static ChaosReport run(ChaosOptions options, Path registryHome, String classpath) {
        long seed = options.seed() != 0 ? options.seed() : new SecureRandom().nextLong();
        // Two streams from one seed: the load's choices and the kills' do not interleave on one generator.
        Random random = new Random(seed);
        Random loadRandom = new Random(random.nextLong());
        log.info("Chaos run: {} of load at {} requests/s, {} kill(s) per service, {} broker restart(s), seed {}",
                options.duration(), options.ratePerSecond(), options.killsPerService(), options.brokerRestarts(), seed);
        ExecutorService restarts = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "lapse-chaos-restart");
            thread.setDaemon(true);
            return thread;
        });
        Path runDir = ChaosStack.directory(options.runDir());
        ChaosStack.endStale(runDir);
        StringBuilder skipReason = new StringBuilder();
        @Nullable ChaosDatabase target = ChaosDatabase.open(runDir, skipReason).orElse(null);
        // The run's database is the target of grant-issuer and what policy-engine's policies speak about.
        Map<String, List<String>> targetArguments = target == null ? Map.of()
                : Map.of(GrantIssuerApplication.NAME, target.targetArguments(),
                        PolicyEngineApplication.NAME, target.policyArguments(runDir));
        LoadDriver.LoadTarget loadTarget = target == null ? LoadDriver.LoadTarget.EVENTS_ONLY
                : new LoadDriver.LoadTarget(target.resource(), target.requesterIds());
        // Closed in reverse: the watcher, the load, the reader, the services and broker, then the database.
        try (ChaosDatabase database = target;
             ChaosStack stack = ChaosStack.start(runDir, registryHome, classpath, options.tickMs(), targetArguments);
             LifecycleReader reader = new LifecycleReader(stack.bootstrapServers(), stack.registryUrl());
             LoadDriver load = new LoadDriver(stack.service(RequestServiceApplication.NAME), reader,
                     stack.bootstrapServers(), stack.registryUrl(), options.ratePerSecond(), loadRandom, loadTarget,
                     ChaosStack.identityDirectory(stack.runDir()));
             GrantRoleWatcher watcher = database == null ? null : new GrantRoleWatcher(database)) {
            reader.start();
            if (watcher != null) {
                watcher.start();
            }
            List<Outage> outages = Collections.synchronizedList(new ArrayList<>());
            long loadStartMs = System.currentTimeMillis();
            load.start();
            Map<String, Future<?>> restarting = new HashMap<>();
            for (Event event : schedule(options, random)) {
                awaitUntil(loadStartMs + event.atMs(), load, reader);
                if (event.part().equals(ChaosReport.BROKER)) {
                    // A service starting while the broker is away would fail its start: the broker goes alone.
                    restarting.values().forEach(ChaosRun::await);
                    awaitAllBack(stack);
                    outages.add(restartBroker(stack));
                } else {
                    if (event.part().equals(RevokerApplication.NAME)) {
                        // Only grants issued before the kill can fall due while the revoker is down: kill it while
                        // every other part is up and grants are being issued.
                        restarting.values().forEach(ChaosRun::await);
                        awaitAllBack(stack);
                        awaitGrantsFlowing(reader);
                    }
                    Optional.ofNullable(restarting.get(event.part())).ifPresent(ChaosRun::await);
                    ServiceProcess service = stack.service(event.part());
                    long restartDelayMs = random.nextInt(2_000);
                    restarting.put(event.part(), restarts.submit(() -> outages.add(killAndRestart(service,
                            restartDelayMs))));
                }
            }
            restarting.values().forEach(ChaosRun::await);
            awaitAllBack(stack);
            awaitUntil(loadStartMs + options.duration().toMillis(), load, reader);
            load.stop();
            log.info("Load stopped after {} s; waiting up to {} s for every accepted request to end",
                    (System.currentTimeMillis() - loadStartMs) / 1000, options.settleTimeout().toSeconds());
            awaitSettled(load.submissions(), reader, options.settleTimeout());
            awaitQuiet(reader);
            TargetWatch watch = watcher == null ? TargetWatch.skipped(skipReason.toString()) : watcher.finish();
            AuditTally audit = AuditCheck.run(stack.bootstrapServers(), stack.auditDirectory(),
                    stack.service(AuditSinkApplication.NAME), AUDIT_TIMEOUT);
            ChaosReport report = ChaosReport.of(load.submissions(), reader.snapshot(), load.tally(),
                    List.copyOf(outages), audit, options.tickMs(), watch, reader.trails());
            System.out.println();
            System.out.println(report.table(String.format("Lapse chaos run: %d s of load at %s requests/s, %d kill(s)"
                    + " per service, %d broker restart(s), seed %d (logs in %s)", options.duration().toSeconds(),
                    options.ratePerSecond(), options.killsPerService(), options.brokerRestarts(), seed,
                    stack.runDir().resolve("logs"))));
            return report;
        } finally {
            restarts.shutdownNow();
        }
    }

    /** Each service {@code killsPerService} times and the broker {@code brokerRestarts} times, in random order. */
    private static List<Event> schedule(ChaosOptions options, Random random) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < options.killsPerService(); i++) {
            parts.addAll(ChaosStack.SERVICES.keySet());
        }
        for (int i = 0; i < options.brokerRestarts(); i++) {
            parts.add(ChaosReport.BROKER);
        }
        Collections.shuffle(parts, random);
        // Spread over 10%..75% of the load, one slot each, at a random moment within the first half of its slot.
        long fromMs = options.duration().toMillis() / 10;
        long slotMs = parts.isEmpty() ? 0 : (options.duration().toMillis() * 65 / 100) / parts.size();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            events.add(new Event(parts.get(i), fromMs + i * slotMs + (long) (random.nextDouble() * slotMs / 2)));
        }
        return events;
    }

    private static Outage killAndRestart(ServiceProcess service, long restartDelayMs) {
        long killedAtMs = System.currentTimeMillis();
        service.kill();
        // An orchestrator takes a moment to notice and restart a dead process.
        ServiceProcess.pause(Duration.ofMillis(restartDelayMs));
        long restartedAtMs = System.currentTimeMillis();
        service.start();
        long healthyAtMs = service.awaitHealthy(BACK_TIMEOUT);
        if (service.name().equals(GrantIssuerApplication.NAME)) {
            Outage outage = grantIssuerBack(service, killedAtMs, healthyAtMs);
            log.info("grant-issuer back {} ms after its kill ({})", outage.downMs(), outage.backBy());
            return outage;
        }
        if (!service.name().equals(RevokerApplication.NAME)) {
            log.info("{} back {} ms after its kill", service.name(), healthyAtMs - killedAtMs);
            return new Outage(service.name(), killedAtMs, healthyAtMs, "health UP");
        }
        Outage outage = revokerBack(service, killedAtMs, restartedAtMs, healthyAtMs);
        log.info("revoker back {} ms after its kill ({})", outage.downMs(), outage.backBy());
        return outage;
    }

    /**
     * When the restarted revoker had restored its grants: its restore metric once it names a moment after the
     * restart; without that metric (a revoker that restores nothing), when its health first answered UP.
     */
    private static Outage revokerBack(ServiceProcess revoker, long killedAtMs, long restartedAtMs, long healthyAtMs) {
        Instant absentDeadline = Instant.now().plusSeconds(10);
        Instant staleDeadline = Instant.now().plusSeconds(60);
        boolean seen = false;
        while (Instant.now().isBefore(seen ? staleDeadline : absentDeadline)) {
            OptionalDouble restored = metric(revoker.get("/actuator/prometheus").orElse(""), RESTORE_METRIC);
            seen |= restored.isPresent();
            if (restored.isPresent() && restored.getAsDouble() >= restartedAtMs) {
                return new Outage(RevokerApplication.NAME, killedAtMs, (long) restored.getAsDouble(),
                        "restore metric");
            }
            ServiceProcess.pause(Duration.ofMillis(50));
        }
        return new Outage(RevokerApplication.NAME, killedAtMs, healthyAtMs,
                seen ? "health UP; restore metric never after the restart" : "health UP; no restore metric");
    }

    /**
     * When the restarted grant-issuer consumed every expiry partition again: health UP comes first, but a member
     * killed with SIGKILL holds its partitions until its session times out (10 s), and until then no withdrawal runs.
     */
    private static Outage grantIssuerBack(ServiceProcess grantIssuer, long killedAtMs, long healthyAtMs) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            OptionalDouble partitions = metric(grantIssuer.get("/actuator/prometheus").orElse(""),
                    EXPIRY_PARTITIONS_METRIC);
            if (partitions.isPresent() && partitions.getAsDouble() >= Topics.PARTITIONS) {
                return new Outage(GrantIssuerApplication.NAME, killedAtMs, System.currentTimeMillis(),
                        "expiry partitions assigned");
            }
            ServiceProcess.pause(Duration.ofMillis(50));
        }
        return new Outage(GrantIssuerApplication.NAME, killedAtMs, healthyAtMs,
                "health UP; its expiry partitions were not all assigned within 60 s");
    }

    /** The largest value of a metric in a Prometheus text exposition, over all its label sets. */
    static OptionalDouble metric(String exposition, String name) {
        return exposition.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .flatMapToDouble(value -> {
                    try {
                        return DoubleStream.of(Double.parseDouble(value));
                    } catch (NumberFormatException e) {
                        return DoubleStream.empty();
                    }
                })
                .max();
    }

    private static Outage restartBroker(ChaosStack stack) {
        long stoppedAtMs = System.currentTimeMillis();
        stack.restartBroker();
        return new Outage(ChaosReport.BROKER, stoppedAtMs, System.currentTimeMillis(), "started");
    }

    private static void await(Future<?> restart) {
        try {
            restart.get(BACK_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a service did not come back: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("a service did not come back within " + BACK_TIMEOUT.toSeconds() * 2
                    + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void awaitGrantsFlowing(LifecycleReader reader) {
        Instant deadline = Instant.now().plus(BACK_TIMEOUT);
        while (System.currentTimeMillis() - reader.lastGrantReadAtMs() > FLOWING.toMillis()) {
            if (Instant.now().isAfter(deadline)) {
                log.warn("No grant was issued for {} s; killing the revoker anyway", BACK_TIMEOUT.toSeconds());
                return;
            }
            ServiceProcess.pause(Duration.ofMillis(100));
        }
    }

    private static void awaitAllBack(ChaosStack stack) {
        Instant deadline = Instant.now().plus(BACK_TIMEOUT);
        while (!stack.allHealthy()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("not every service was healthy within " + BACK_TIMEOUT.toSeconds()
                        + " s; see the logs in " + stack.runDir().resolve("logs"));
            }
            ServiceProcess.pause(Duration.ofMillis(100));
        }
    }

    // Pacing, not waiting for an event: the schedule says when. Logs progress every 10 s.
    private static void awaitUntil(long atMs, LoadDriver load, LifecycleReader reader) {
        long nextReportMs = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < atMs) {
            if (System.currentTimeMillis() >= nextReportMs) {
                nextReportMs += 10_000;
                Map<String, Lifecycle> now = reader.snapshot();
                List<Submission> submissions = load.submissions();
                log.info("Load: {} submitted, {} accepted, {} ended", load.planned(),
                        submissions.stream().filter(Submission::accepted).count(),
                        submissions.stream().filter(s -> now.getOrDefault(s.requestId(),
                                Lifecycle.none(s.requestId())).settled()).count());
            }
            ServiceProcess.pause(Duration.ofMillis(Math.max(1, Math.min(200, atMs - System.currentTimeMillis()))));
        }
    }

    private static void awaitSettled(List<Submission> submissions, LifecycleReader reader, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<String> accepted = submissions.stream().filter(Submission::accepted).map(Submission::requestId).toList();
        while (Instant.now().isBefore(deadline)) {
            Map<String, Lifecycle> now = reader.snapshot();
            long open = accepted.stream().filter(id -> !now.getOrDefault(id, Lifecycle.none(id)).settled()).count();
            if (open == 0) {
                log.info("Every accepted request ended");
                return;
            }
            ServiceProcess.pause(Duration.ofMillis(250));
        }
        log.warn("Not every accepted request ended within {} s", timeout.toSeconds());
    }

    /** Until no event arrived for {@link #QUIET} and the reader stood at the end of every partition since. */
    private static void awaitQuiet(LifecycleReader reader) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            long now = System.currentTimeMillis();
            if (now - reader.lastEventAtMs() >= QUIET.toMillis() && reader.caughtUpAtMs() > reader.lastEventAtMs()) {
                return;
            }
            ServiceProcess.pause(Duration.ofMillis(200));
        }
        log.warn("Events still arrived after the quiet period's deadline");
    }
}
