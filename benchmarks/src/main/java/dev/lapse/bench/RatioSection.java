package dev.lapse.bench;

import dev.lapse.bench.baseline.BaselineSection;
import dev.lapse.bench.lapse.LapseSection;
import dev.lapse.bench.lapse.LapseSection.Channel;
import dev.lapse.bench.report.Ratios;
import dev.lapse.bench.report.Ratios.Quantity;
import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lapse over the baseline, from the rows measured before in the same run: each channel's highest sustained rate over
 * the baseline's sustained throughput, and its p99 at the rate both were offered over the baseline's p99 there.
 */
final class RatioSection implements Section {

    private static final String SECTION = "Lapse / baseline";

    private final BenchOptions options;

    RatioSection(BenchOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return SECTION;
    }

    @Override
    public List<Row> run(Stand stand, Table soFar) {
        List<Ratios.Spec> specs = new ArrayList<>();
        for (Channel channel : Channel.values()) {
            specs.add(new Ratios.Spec("ratio.throughput." + channel.key(), "throughput: "
                    + channel.title() + " highest sustained / baseline sustained",
                    channel.id(LapseSection.SUSTAINED), BaselineSection.SUSTAINED, Quantity.RATE));
        }
        for (Channel channel : Channel.values()) {
            specs.add(new Ratios.Spec("ratio.p99." + channel.key(), String.format(Locale.ROOT,
                    "p99 at %,.0f/s offered: %s / baseline", options.matchRate(), channel.title()),
                    channel.id(LapseSection.LATENCY_MATCH), BaselineSection.LATENCY_MATCH, Quantity.P99));
        }
        for (Channel channel : Channel.values()) {
            specs.add(new Ratios.Spec("ratio.cpu." + channel.key(), "CPU per request: " + channel.title()
                    + " / baseline per record", channel.id(LapseSection.CPU), BaselineSection.CPU, Quantity.AMOUNT));
        }
        // Against the pipeline in Lapse's shape: how far Lapse's own work (not its Kafka traffic) sets its pace.
        for (Channel channel : Channel.values()) {
            specs.add(new Ratios.Spec("ratio.shaped.throughput." + channel.key(), "throughput: "
                    + channel.title() + " highest sustained / baseline in Lapse's shape",
                    channel.id(LapseSection.SUSTAINED), BaselineSection.SHAPED_SUSTAINED, Quantity.RATE));
            specs.add(new Ratios.Spec("ratio.shaped.cpu." + channel.key(), "CPU per request: " + channel.title()
                    + " / baseline in Lapse's shape per record", channel.id(LapseSection.CPU),
                    BaselineSection.SHAPED_CPU, Quantity.AMOUNT));
        }
        return Ratios.rows(soFar, SECTION, specs);
    }
}
