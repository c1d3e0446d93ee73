package dev.lapse.bench.lapse;

import dev.lapse.bench.BenchOptions;
import dev.lapse.bench.ForkedJvm;
import dev.lapse.bench.LiveHeap;
import dev.lapse.bench.Section;
import dev.lapse.bench.Stand;
import dev.lapse.bench.report.Measurement;
import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heap request-service's read model keeps per request ({@link ReadModelProbe}, in a forked JVM): what every
 * request costs the service for as long as it stays in the book, and what G1 copies between survivor spaces while it
 * ages there.
 */
public final class ReadModelSection implements Section {

    /** Row id of the heap per request. */
    public static final String HEAP = "readmodel.heap";

    private static final Logger log = LoggerFactory.getLogger(ReadModelSection.class);
    private static final String SECTION = "request-service read model";
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final BenchOptions.ReadModel options;

    public ReadModelSection(BenchOptions options) {
        this.options = options.readModel();
    }

    @Override
    public String name() {
        return SECTION;
    }

    @Override
    public List<Row> run(Stand stand, Table soFar) {
        String figure = String.format(Locale.ROOT, "heap per request kept, %,d auto-approved requests, after full GCs",
                options.requests());
        ForkedJvm.Outcome probe = ForkedJvm.run("the read-model probe", List.of("-Xmx" + options.maxHeap()),
                ReadModelProbe.class, List.of(Integer.toString(options.requests())), TIMEOUT);
        LiveHeap.Reading reading = LiveHeap.Reading.find(probe.out(), ReadModelProbe.LINE, options.requests())
                .orElse(null);
        if (reading == null) {
            log.warn("The read-model probe failed: {}\n{}", probe.failure(), String.join("\n", probe.err()));
            return List.of(new Row(HEAP, SECTION, figure, new Measurement.Missing(probe.failure() != null
                    ? probe.failure() : "the read-model probe printed no figure"), ""));
        }
        long bytes = reading.bytes();
        return List.of(new Row(HEAP, SECTION, figure, new Measurement.Amount((double) bytes / options.requests(),
                "bytes/request"), String.format(Locale.ROOT, "%,.0f MB in all: a TimelineBook of %,d requests (the"
                + " service's default lapse.request.timeline-max-requests is 100,000), each the requested, approved"
                + " and granted events of an auto-approved SELECT as the service maps them from Avro (UUID request"
                + " and event ids, the derived grant id, fresh strings as a decoder makes them), filled at %,.0f"
                + " ns/request; heap in use after System.gc() minus before filling, in a forked JVM (-Xmx%s) with"
                + " nothing else on its heap", bytes / 1e6, options.requests(), reading.fillNsPerItem(),
                options.maxHeap())));
    }
}
