package dev.lapse.bench;

import dev.lapse.embedded.SchemaRegistryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The benchmark command: {@code --mode=full|smoke} (full by default), {@code --out=<file>} (where the table is
 * also written) and {@code --sections=<key>,...} (only those sections, for example {@code postgres}; empty: all). Prints the table on standard output; exits 0 when every row holds a number, 1 when one does not,
 * 2 when the run could not be made.
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                System.err.println("benchmarks: arguments are --mode=full|smoke, --out=<file> and --sections=<key>,..."
                        + ", got '" + arg + "'");
                System.exit(2);
            }
            values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        if (!Set.of("mode", "out", "sections").containsAll(values.keySet())) {
            System.err.println("benchmarks: unknown argument(s) " + values.keySet()
                    + "; known: --mode, --out, --sections");
            System.exit(2);
        }
        BenchOptions options;
        try {
            options = BenchOptions.of(values.getOrDefault("mode", "full"));
        } catch (IllegalArgumentException e) {
            System.err.println("benchmarks: " + e.getMessage());
            System.exit(2);
            return;
        }
        Set<String> sections = Arrays.stream(values.getOrDefault("sections", "").split(","))
                .map(String::trim).filter(key -> !key.isEmpty()).collect(Collectors.toSet());
        Set<String> known = BenchmarkRun.sections(options).keySet();
        if (!known.containsAll(sections)) {
            System.err.println("benchmarks: --sections names " + sections + "; the sections are " + known);
            System.exit(2);
        }
        Optional<Path> home = SchemaRegistryProcess.homeFromEnvironment();
        if (home.isEmpty()) {
            System.err.println("benchmarks: the Apicurio registry distribution was not found; run ./mvnw -B -ntp"
                    + " -Pbenchmarks -pl benchmarks -am -DskipTests verify, or set -Dlapse.registry.home");
            System.exit(2);
            return;
        }
        BenchmarkRun.Report report;
        try {
            report = sections.isEmpty() ? BenchmarkRun.run(options, home.get())
                    : BenchmarkRun.run(options, home.get(), sections);
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.err.println("benchmarks: the run could not be made: " + e.getMessage());
            System.exit(2);
            return;
        }
        String markdown = report.markdown();
        System.out.println();
        System.out.println(markdown);
        if (values.containsKey("out")) {
            Path out = Path.of(values.get("out"));
            try {
                Files.writeString(out, markdown);
                System.out.println("(also written to " + out.toAbsolutePath() + ")");
            } catch (IOException e) {
                System.err.println("benchmarks: could not write " + out + ": " + e.getMessage());
            }
        }
        System.exit(report.table().unmeasured().isEmpty() ? 0 : 1);
    }
}
