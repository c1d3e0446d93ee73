package dev.lapse.bench;

import dev.lapse.bench.approval.ApprovalSection;
import dev.lapse.bench.baseline.BaselineSection;
import dev.lapse.bench.lapse.LapseSection;
import dev.lapse.bench.lapse.ReadModelSection;
import dev.lapse.bench.policy.PolicySection;
import dev.lapse.bench.postgres.PostgresSection;
import dev.lapse.bench.report.Measurement;
import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import dev.lapse.bench.revoker.RevokerSection;
import dev.lapse.bench.wheel.WheelSection;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.bench.lapse.Approvable;
import dev.lapse.standalone.LapseStandalone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One benchmark run: starts the embedded broker, the registry and every Lapse service in this JVM (fresh data in a
 * temporary directory, any free ports), runs each {@link Section} on them in turn, stops everything and deletes the
 * data. A section that throws becomes a row that says so, and the run goes on.
 */
public final class BenchmarkRun {

    private static final Logger log = LoggerFactory.getLogger(BenchmarkRun.class);

    private BenchmarkRun() {
    }

    /** The table of a run, with a line saying where and how it was measured. */
    public record Report(String heading, Table table) {

        public String markdown() {
            return heading + "\n\n" + table.markdown();
        }
    }

    /**
     * The sections of a run, in order, by the key {@code --sections} names them with. The baseline runs first, then
     * each Lapse channel, then the ratios, which read the rows before them, then PostgreSQL (which provisions grants
     * of its own in a database of its own), the approvals and the read model's heap (in a forked JVM). The revoker
     * comes after them because it stops Lapse's services to
     * measure a revoker of its own alone; the micro-benchmarks (the wheel's, the policy decision's), which need no
     * service, come last.
     */
    static Map<String, Section> sections(BenchOptions options) {
        Map<String, Section> sections = new LinkedHashMap<>();
        sections.put("baseline", new BaselineSection(options));
        sections.put("ingress", new LapseSection(LapseSection.Channel.INGRESS, options));
        sections.put("rest", new LapseSection(LapseSection.Channel.REST, options));
        sections.put("ratio", new RatioSection(options));
        sections.put("postgres", new PostgresSection(options));
        sections.put("approvals", new ApprovalSection(options));
        sections.put("readmodel", new ReadModelSection(options));
        sections.put("revoker", new RevokerSection(options));
        sections.put("wheel", new WheelSection(options));
        sections.put("policy", new PolicySection(options));
        return sections;
    }

    /** Makes a run with the standard sections. */
    public static Report run(BenchOptions options, Path registryHome) {
        return run(options, registryHome, List.copyOf(sections(options).values()));
    }

    /**
     * Makes a run with the standard sections named in {@code keys}, in the standard order (the ratios read the
     * baseline's and the channels' rows, so alone they say what they miss).
     *
     * @throws IllegalArgumentException naming a key that is no section's
     */
    public static Report run(BenchOptions options, Path registryHome, Set<String> keys) {
        Map<String, Section> all = sections(options);
        Set<String> unknown = new TreeSet<>(keys);
        unknown.removeAll(all.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("no section named " + unknown + "; the sections are " + all.keySet());
        }
        return run(options, registryHome, all.entrySet().stream().filter(section -> keys.contains(section.getKey()))
                .map(Map.Entry::getValue).toList());
    }

    static Report run(BenchOptions options, Path registryHome, List<Section> sections) {
        Instant started = Instant.now();
        long startNanos = System.nanoTime();
        CpuShare cpu = new CpuShare();
        Path dataDir = temporaryDirectory();
        Table table = new Table();
        List<String> spent = new ArrayList<>();
        LapseStandalone lapse;
        try {
            lapse = LapseStandalone.start(new LapseStandalone.Options(dataDir, 0, 0, Map.of()), registryHome,
                    "--logging.config=classpath:benchmarks-logback.xml",
                    // The ingress sections submit as this system; it must be trusted to name their requester.
                    "--lapse.request.ingress.trusted-systems=" + Approvable.SOURCE);
        } catch (RuntimeException e) {
            deleteQuietly(dataDir);
            throw e;
        }
        // Ctrl-C during a run: stop the services, the broker and the registry, and delete the run's data.
        Thread stopOnExit = new Thread(() -> stop(lapse, dataDir), "bench-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            long upSeconds = secondsSince(startNanos);
            log.info("Broker, registry and services up in {} s", upSeconds);
            spent.add("start-up " + upSeconds + " s");
            Stand stand = new Stand(lapse.bootstrapServers(), lapse.registryUrl(),
                    lapse.url(RequestServiceApplication.NAME), dataDir, lapse.identityDirectory(), lapse::stopServices,
                    (service, more) -> lapse.restartService(service, more.toArray(String[]::new)));
            for (Section section : sections) {
                long sectionStart = System.nanoTime();
                log.info("Section {} ...", section.name());
                table.add(measure(section, stand, table));
                long sectionSeconds = secondsSince(sectionStart);
                log.info("Section {} took {} s", section.name(), sectionSeconds);
                spent.add(section.name() + ", " + sectionSeconds + " s");
            }
        } finally {
            long stopStart = System.nanoTime();
            boolean ours;
            try {
                ours = Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                ours = false; // the hook is stopping everything already
            }
            if (ours) {
                stop(lapse, dataDir);
            }
            spent.add("stop " + secondsSince(stopStart) + " s");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        // Where the time went, so that a run over the full run's ten minutes says which part grew.
        String heading = String.format(Locale.ROOT, "Lapse benchmarks (%s run), %s, %d cores, Java %s; everything in"
                        + " one JVM on one embedded broker, measured in this run, which took %d min %02d s (%s);"
                        + " during it %s.",
                options.mode(), DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(started.atOffset(ZoneOffset.UTC)
                        .withNano(0)) + "Z", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), took.toMinutes(), took.toSecondsPart(), String.join("; ", spent),
                cpu.sinceStart());
        return new Report(heading, table);
    }

    private static List<Row> measure(Section section, Stand stand, Table soFar) {
        try {
            return section.run(stand, soFar);
        } catch (Exception e) {
            log.error("Section {} failed", section.name(), e);
            return List.of(new Row("failed." + section.name(), section.name(), "the section failed",
                    new Measurement.Missing(String.valueOf(e)), ""));
        }
    }

    private static long secondsSince(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e9);
    }

    private static void stop(LapseStandalone lapse, Path dataDir) {
        try {
            lapse.close();
        } finally {
            deleteQuietly(dataDir);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("lapse-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run's data directory", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not delete the run's data in {}: {}", dir, e.toString());
        }
    }
}
