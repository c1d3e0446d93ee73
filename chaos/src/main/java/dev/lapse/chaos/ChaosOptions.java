package dev.lapse.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of a chaos run, from {@code --name=value} arguments.
 *
 * @param duration       how long the load runs (longer if the kills are not all done by then)
 * @param ratePerSecond  first submissions per second
 * @param killsPerService how many times each of the five services is killed with SIGKILL and restarted
 * @param brokerRestarts how many times the broker is stopped and started again on the same port and data
 * @param seed           seed of every random choice (0: a new one, printed, so a run can be repeated)
 * @param runDir         where the broker, the registry, the audit files and the service logs live; emptied first
 * @param settleTimeout  how long after the load to wait for every accepted request to end
 * @param tickMs         the revoker's tick, passed to it as {@code lapse.revoker.tick-ms}
 */
public record ChaosOptions(Duration duration, double ratePerSecond, int killsPerService, int brokerRestarts, long seed,
        Path runDir, Duration settleTimeout, long tickMs) {

    public ChaosOptions {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive, got " + duration);
        }
        if (ratePerSecond <= 0 || ratePerSecond > 200) {
            throw new IllegalArgumentException("--rate must be more than 0 and at most 200 per second, got "
                    + ratePerSecond);
        }
        if (killsPerService < 0 || brokerRestarts < 0) {
            throw new IllegalArgumentException("--kills and --broker-restarts must not be negative");
        }
        if (tickMs < 1) {
            throw new IllegalArgumentException("--tick-ms must be at least 1, got " + tickMs);
        }
    }

    /** Parses {@code --duration=PT5M --rate=5 --kills=2 --broker-restarts=1 --seed=42 --run-dir=... --settle=PT90S}. */
    public static ChaosOptions parse(String... args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("arguments are --name=value, got '" + arg + "'");
            }
            values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        ChaosOptions options = new ChaosOptions(
                Duration.parse(values.getOrDefault("duration", "PT5M")),
                Double.parseDouble(values.getOrDefault("rate", "5")),
                Integer.parseInt(values.getOrDefault("kills", "2")),
                Integer.parseInt(values.getOrDefault("broker-restarts", "1")),
                Long.parseLong(values.getOrDefault("seed", "0")),
                Path.of(values.getOrDefault("run-dir", "target/chaos-run")),
                Duration.parse(values.getOrDefault("settle", "PT90S")),
                Long.parseLong(values.getOrDefault("tick-ms", "10")));
        values.keySet().removeAll(Set.of("duration", "rate", "kills", "broker-restarts", "seed", "run-dir",
                "settle", "tick-ms"));
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown argument(s) " + values.keySet() + "; known: --duration,"
                    + " --rate, --kills, --broker-restarts, --seed, --run-dir, --settle, --tick-ms");
        }
        return options;
    }
}
