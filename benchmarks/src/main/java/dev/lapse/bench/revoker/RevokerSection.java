package dev.lapse.bench.revoker;

import dev.lapse.bench.BenchOptions;
import dev.lapse.bench.ForkedJvm;
import dev.lapse.bench.LiveHeap;
import dev.lapse.bench.Section;
import dev.lapse.bench.Stand;
import dev.lapse.bench.kafka.ClientSettings;
import dev.lapse.bench.report.Measurement;
import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import dev.lapse.revoker.RevokerApplication;
import dev.lapse.schemas.GrantIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.Partitions;
import dev.lapse.schemas.serde.AvroSerializer;
import dev.lapse.schemas.serde.SerdeConfig;
import dev.lapse.state.WatchedGrant;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revoker's rows. First its heap per active grant, in a forked JVM ({@link HeapProbe}). Then, with Lapse's five
 * services stopped so that only a revoker runs on the run's broker and registry: a million active grants written as
 * the revoker's durable state, due evenly over one minute that starts after they have been read back; a
 * {@link RevokerApplication} started on them, whose restore is timed by its own metrics; and every expiry it then
 * announces, read back from {@code lapse.access.expired} to see how late it came. A tenth as many grants more fall due
 * evenly over the {@value #WARM_UP_SECONDS} s before that minute and are not counted: a revoker that has just restored
 * has never ended a grant, and without them the first second of the minute measured the JIT compiling its expiry
 * path (that second's backlog alone set the p99), not a revoker at work.
 */
public final class RevokerSection implements Section {

    /** Row id of the reload rate. */
    public static final String RESTORE = "revoker.restore";
    /** Row id of the expiry lag as the revoker stamps it. */
    public static final String LAG_EMITTED = "revoker.lag.emitted";
    /** Row id of the expiry lag as a consumer sees it. */
    public static final String LAG_SEEN = "revoker.lag.seen";

    private static final Logger log = LoggerFactory.getLogger(RevokerSection.class);
    private static final String SECTION = "revoker";
    private static final Duration HEAP_PROBE_TIMEOUT = Duration.ofMinutes(5);
    private static final long WARM_UP_SECONDS = 10;

    private final BenchOptions.Revoker options;

    public RevokerSection(BenchOptions options) {
        this.options = options.revoker();
    }

    /** Row id of the heap per grant at {@code grants} active grants. */
    public static String heapId(int grants) {
        return "revoker.heap." + grants;
    }

    @Override
    public String name() {
        return SECTION;
    }

    @Override
    public List<Row> run(Stand stand, Table soFar) {
        List<Row> rows = new ArrayList<>(heap());
        // The four other services would consume the million expiries (grant-issuer withdrawing, audit-sink
        // chaining them) and share the two cores with the revoker measured: stop them all, the run's own revoker too.
        stand.servicesStop().run();
        try {
            rows.addAll(restoreAndExpire(stand));
        } catch (RuntimeException e) {
            // The heap rows stand; the three that needed the running revoker say why they are missing.
            log.error("The revoker's restore and expiry run failed", e);
            for (String id : List.of(RESTORE, LAG_EMITTED, LAG_SEEN)) {
                rows.add(new Row(id, SECTION, id, new Measurement.Missing("the run failed: " + e), ""));
            }
        }
        return rows;
    }

    private List<Row> heap() {
        long startNs = System.nanoTime();
        List<String> args = new ArrayList<>(List.of(Integer.toString(options.heapRequesters())));
        options.heapGrants().forEach(grants -> args.add(Integer.toString(grants)));
        ForkedJvm.Outcome probe = ForkedJvm.run("the heap probe", List.of("-Xmx" + options.heapMaxHeap()),
                HeapProbe.class, args, HEAP_PROBE_TIMEOUT);
        List<String> lines = probe.out();
        String failure = probe.failure();
        if (failure != null) {
            log.warn("The heap probe failed: {}\n{}", failure, String.join("\n", probe.err()));
        }
        log.info("Heap probe took {} s: {}", (System.nanoTime() - startNs) / 1_000_000_000, lines);
        List<Row> rows = new ArrayList<>();
        for (int grants : options.heapGrants()) {
            String figure = String.format(Locale.ROOT, "heap per active grant, %,d grants watched, after full GCs",
                    grants);
            LiveHeap.Reading reading = LiveHeap.Reading.find(lines, HeapProbe.LINE, grants).orElse(null);
            if (reading == null) {
                rows.add(new Row(heapId(grants), SECTION, figure, new Measurement.Missing(
                        failure != null ? failure : "the heap probe printed no figure for " + grants), ""));
                continue;
            }
            long bytes = reading.bytes();
            rows.add(new Row(heapId(grants), SECTION, figure, new Measurement.Amount((double) bytes / grants,
                    "bytes/grant"), String.format(Locale.ROOT, "%,.0f MB in all: the revoker's ExpirySchedule"
                    + " (timing wheel, key index, requester dictionary) holding grants with UUID request ids, derived"
                    + " grant ids, %,d distinct requesters and expiries over 30 days, filled at %,.0f ns/grant; heap in"
                    + " use after System.gc() minus before filling, in a forked JVM (-Xmx%s) with nothing else on"
                    + " its heap", bytes / 1e6, options.heapRequesters(), reading.fillNsPerItem(),
                    options.heapMaxHeap())));
        }
        return rows;
    }

    private List<Row> restoreAndExpire(Stand stand) {
        int grants = options.grants();
        long windowMs = options.window().toMillis();
        long firstDueMs = System.currentTimeMillis() + options.lead().toMillis();
        long lastDueMs = firstDueMs + windowMs - 1;
        String figure = String.format(Locale.ROOT, "%,d grants", grants);
        try (ExpiredWatcher watcher = ExpiredWatcher.start(stand.bootstrapServers(), stand.registryUrl(),
                firstDueMs, lastDueMs)) {
            long writeStartNs = System.nanoTime();
            writeState(stand, firstDueMs, windowMs);
            log.info("Wrote {} revoker state records in {} ms", grants, (System.nanoTime() - writeStartNs) / 1_000_000);
            ConfigurableApplicationContext revoker = RevokerApplication.builder().run(
                    "--spring.kafka.bootstrap-servers=" + stand.bootstrapServers(),
                    "--spring.kafka.properties.schema.registry.url=" + stand.registryUrl(),
                    "--server.port=0", "--spring.main.banner-mode=off", "--spring.main.log-startup-info=false",
                    "--logging.config=classpath:benchmarks-logback.xml");
            try {
                MeterRegistry meters = revoker.getBean(MeterRegistry.class);
                double tickMs = revoker.getEnvironment().getProperty("lapse.revoker.tick-ms", Double.class, 10.0);
                boolean restored = await(() -> meters.get("lapse.revoker.restore.completed.epoch.ms").gauge()
                        .value() > 0, lastDueMs + options.drainCap().toMillis());
                List<Row> rows = new ArrayList<>();
                rows.add(restoreRow(meters, restored, grants, firstDueMs));
                boolean all = await(() -> watcher.count() >= grants || watcher.failure() != null,
                        lastDueMs + options.drainCap().toMillis());
                long slackMs = firstDueMs
                        - (long) meters.get("lapse.revoker.restore.completed.epoch.ms").gauge().value();
                String seenNote = String.format(Locale.ROOT, "%,d of %,d expiries seen%s; due evenly over %d s that"
                        + " began %s, after %,d uncounted grants fell due over the %.0f s before it (a warm-up: a"
                        + " revoker that has just restored has never ended a grant); only a revoker running (the other"
                        + " four services stopped, so no grant-issuer or audit-sink consumes the expiries); %s",
                        watcher.count(), grants, all ? "" : " within the cap", windowMs / 1000, slackMs >= 0
                                ? String.format(Locale.ROOT, "%.1f s after the restore ended", slackMs / 1000.0)
                                : String.format(Locale.ROOT, "%.1f s BEFORE the restore ended, so the lags include"
                                        + " the wait for it", -slackMs / 1000.0),
                        warmUpGrants(), warmUpMs() / 1000.0, failures(meters));
                rows.add(lagRow(LAG_EMITTED, figure + " due within " + windowMs / 1000 + " s: expiry lag as"
                        + " stamped (AccessExpired.lateByMs)", watcher.emitted(), tickMs, "the revoker's time when"
                        + " it took the grant off the wheel minus expiresAt, before its transaction commits; "
                        + seenNote));
                rows.add(lagRow(LAG_SEEN, figure + " due within " + windowMs / 1000 + " s: expiry lag until seen"
                        + " committed", watcher.seen(), tickMs, "when a read_committed consumer's poll returned the"
                        + " AccessExpired minus expiresAt: the transaction's commit and the fetch included; "
                        + seenNote));
                return rows;
            } finally {
                revoker.close();
            }
        }
    }

    /** What the revoker's counters say of its failures while it ran: a stall shows as a late tail, this says why. */
    private static String failures(MeterRegistry meters) {
        double landed = meters.get("lapse.revoker.commit.failures").tag("outcome", "landed").counter().count();
        double lost = meters.get("lapse.revoker.commit.failures").tag("outcome", "lost").counter().count();
        long restores = meters.get("lapse.revoker.restore").timer().count();
        if (landed + lost == 0 && restores <= 1) {
            return "no commit of the revoker failed";
        }
        return String.format(Locale.ROOT, "commits of the revoker that failed: %.0f that landed all the same, %.0f lost"
                + " and committed again; restores: %d (1 is the start's)", landed, lost, restores);
    }

    private Row restoreRow(MeterRegistry meters, boolean restored, int grants, long firstDueMs) {
        int written = grants + warmUpGrants();
        String figure = String.format(Locale.ROOT, "reload after a restart with %,d active grants", written);
        if (!restored) {
            return new Row(RESTORE, SECTION, figure, new Measurement.Missing("the revoker did not finish its restore"
                    + " within " + (options.lead().plus(options.window()).plus(options.drainCap()).toSeconds())
                    + " s"), "");
        }
        Timer restore = meters.get("lapse.revoker.restore").timer();
        double records = meters.get("lapse.revoker.restore.records").counter().count();
        double seconds = restore.totalTime(TimeUnit.MILLISECONDS) / 1000;
        double watched = meters.get("lapse.revoker.active.grants").gauge().value();
        if (!(seconds > 0)) {
            return new Row(RESTORE, SECTION, figure, new Measurement.Missing("the restore timer recorded no time"), "");
        }
        return new Row(RESTORE, SECTION, figure, new Measurement.Rate(records / seconds, "grants/s"),
                String.format(Locale.ROOT, "%,.0f state records read back (the %,d written, %,d of them due in the"
                        + " warm-up before the measured minute, and %,.0f the Lapse sections' grants left) in %.2f s"
                        + " over %d restore(s), %,.0f grants then watched: a RevokerApplication started on the run's"
                        + " broker and registry, read from its lapse.revoker.restore timer and"
                        + " lapse.revoker.restore.records counter", records, written, written - grants,
                        Math.max(0, records - written), seconds, restore.count(), watched));
    }

    private static Row lagRow(String id, String figure, Histogram lags, double tickMs, String note) {
        if (lags.getTotalCount() == 0) {
            return new Row(id, SECTION, figure, new Measurement.Missing("no expiry was seen"), note);
        }
        return new Row(id, SECTION, figure, new Measurement.Lag(lags.getValueAtPercentile(50),
                lags.getValueAtPercentile(99), lags.getMaxValue(), lags.getTotalCount(), tickMs), note);
    }

    /**
     * The durable state of {@code grants} active grants, as the revoker writes it: request ids that are UUIDs,
     * derived grant ids, a few thousand requesters, expiries spread evenly over the window and written in no order.
     */
    private void writeState(Stand stand, long firstDueMs, long windowMs) {
        int grants = options.grants();
        int warmUps = warmUpGrants();
        long warmUpMs = warmUpMs();
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stand.registryUrl()), false);
        Map<String, Object> settings = ClientSettings.producer(stand.bootstrapServers());
        settings.put("linger.ms", "20");
        settings.put("batch.size", Integer.toString(512 * 1024));
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(settings, new StringSerializer(),
                serializer)) {
            for (int i = 0; i < grants; i++) {
                long slot = Math.floorMod(i * 2_654_435_761L, (long) grants);
                writeGrant(producer, i, firstDueMs + slot * windowMs / grants);
            }
            for (int i = 0; i < warmUps; i++) {
                writeGrant(producer, grants + (long) i, firstDueMs - warmUpMs + i * warmUpMs / warmUps);
            }
            producer.flush();
        }
    }

    /** Writes the state of the grant numbered {@code i} (its request id and requester derive from it). */
    private static void writeGrant(KafkaProducer<String, Object> producer, long i, long expiresAtMs) {
        String requestId = requestId(i);
        WatchedGrant state = WatchedGrant.newBuilder().setRequestId(requestId).setGrantId(GrantIds.of(requestId))
                .setRequesterId("user-" + i % 5_000).setExpiresAt(Instant.ofEpochMilli(expiresAtMs)).build();
        producer.send(new ProducerRecord<>(Topics.REVOKER_STATE.name(), Partitions.of(requestId), requestId, state));
    }

    /** Grants that fall due just before the measured minute, uncounted: they warm the revoker's expiry path. */
    private int warmUpGrants() {
        return options.grants() / 10;
    }

    private long warmUpMs() {
        return Math.min(WARM_UP_SECONDS * 1000, options.lead().toMillis() / 3);
    }

    private static String requestId(long i) {
        long mixed = (i + (1L << 40)) * 0x9E3779B97F4A7C15L;
        return new UUID((mixed & 0xFFFF_FFFF_FFFF_0FFFL) | 0x4000L,
                (mixed >>> 2 & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L).toString();
    }

    /** Polls until the condition holds or the wall clock passes {@code deadlineMs}; whether it held. */
    private static boolean await(BooleanSupplier condition, long deadlineMs) {
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadlineMs) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
