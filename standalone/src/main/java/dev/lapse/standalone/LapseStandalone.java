package dev.lapse.standalone;

import dev.lapse.audit.AuditSinkApplication;
import dev.lapse.embedded.KafkaBroker;
import dev.lapse.embedded.Ports;
import dev.lapse.embedded.SchemaRegistryProcess;
import dev.lapse.grant.GrantIssuerApplication;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.request.security.SharedClasspath;
import dev.lapse.revoker.RevokerApplication;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs all of Lapse in one JVM: a real KRaft broker and a real Apicurio registry, both keeping their data under
 * one directory (so a restart reuses it), and every service as its own Spring application on its own port.
 * Closing it stops the services (in reverse start order), then the broker, then the registry, each even when an
 * earlier one fails to stop. A registry left running by a launcher that was killed is ended at the next start (see
 * {@link SchemaRegistryProcess}), and a port held by any other process is refused before anything starts.
 * request-service's embedded issuer keeps its key and the demo users' token files in the data directory too
 * ({@link #identityDirectory()}), so tokens outlive a restart until they expire.
 */
public final class LapseStandalone implements AutoCloseable {

    /** Where things listen and live; port 0 means any free port (tests). */
    public record Options(Path dataDir, int kafkaPort, int registryPort, Map<String, Integer> servicePorts) {
        public Options {
            Objects.requireNonNull(dataDir, "dataDir");
            servicePorts = Map.copyOf(servicePorts);
        }

        /**
         * The defaults of the one-command run: data in ./.lapse, Kafka on 9092, the registry on 18081, the services
         * on 8081..8085; each can be changed with a system property ({@code -Dlapse.data-dir},
         * {@code -Dlapse.port.kafka}, {@code -Dlapse.port.registry}, {@code -Dlapse.port.<service name>}).
         */
        public static Options defaults() {
            Map<String, Integer> services = new LinkedHashMap<>();
            services.put(RequestServiceApplication.NAME, port(RequestServiceApplication.NAME, 8081));
            services.put(PolicyEngineApplication.NAME, port(PolicyEngineApplication.NAME, 8082));
            services.put(GrantIssuerApplication.NAME, port(GrantIssuerApplication.NAME, 8083));
            services.put(RevokerApplication.NAME, port(RevokerApplication.NAME, 8084));
            services.put(AuditSinkApplication.NAME, port(AuditSinkApplication.NAME, 8085));
            return new Options(Path.of(System.getProperty("lapse.data-dir", ".lapse")), port(KAFKA, 9092),
                    port(REGISTRY, 18081), services);
        }

        private static int port(String part, int fallback) {
            String key = "lapse.port." + part;
            String value = System.getProperty(key);
            try {
                int port = value == null ? fallback : Integer.parseInt(value.trim());
                if (port < 0 || port > 65_535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a port number (0..65535), got '" + value + "'");
            }
        }
    }

    /**
     * The demo's users and their groups, for whom the embedded issuer writes token files
     * ({@code <data dir>/identity/tokens/<user>.jwt}); the groups are those the sample policies name.
     */
    public static final Map<String, List<String>> DEMO_USERS = demoUsers();
    /**
     * The source systems the standalone trusts to name requesters on {@code lapse.access.submitted}: the README's
     * example system. Another list replaces it: {@code --lapse.request.ingress.trusted-systems=...}.
     */
    public static final List<String> DEMO_SOURCE_SYSTEMS = List.of("helpdesk");

    private static Map<String, List<String>> demoUsers() {
        Map<String, List<String>> users = new LinkedHashMap<>();
        users.put("alice", List.of("support"));
        users.put("bob", List.of("support"));
        users.put("carol", List.of("data-owners"));
        users.put("oscar", List.of("oncall"));
        users.put("admin", List.of("lapse-admins"));
        return Collections.unmodifiableMap(users);
    }

    /** The name of the broker in port settings and messages. */
    public static final String KAFKA = "kafka";
    /** The name of the schema registry in port settings and messages. */
    public static final String REGISTRY = "registry";

    private final SchemaRegistryProcess registry;
    private final KafkaBroker broker;
    private final Map<String, ConfigurableApplicationContext> services = new LinkedHashMap<>();
    private final Options options;
    private final List<String> extraArgs;

    private LapseStandalone(SchemaRegistryProcess registry, KafkaBroker broker, Options options,
            List<String> extraArgs) {
        this.registry = registry;
        this.broker = broker;
        this.options = options;
        this.extraArgs = List.copyOf(extraArgs);
    }

    private static final Map<String, Supplier<SpringApplicationBuilder>> BUILDERS = builders();

    private static Map<String, Supplier<SpringApplicationBuilder>> builders() {
        Map<String, Supplier<SpringApplicationBuilder>> builders = new LinkedHashMap<>();
        builders.put(RequestServiceApplication.NAME, RequestServiceApplication::builder);
        builders.put(PolicyEngineApplication.NAME, PolicyEngineApplication::builder);
        builders.put(GrantIssuerApplication.NAME, GrantIssuerApplication::builder);
        builders.put(RevokerApplication.NAME, RevokerApplication::builder);
        builders.put(AuditSinkApplication.NAME, AuditSinkApplication::builder);
        return Collections.unmodifiableMap(builders);
    }

    /**
     * Starts the registry, the broker and every service, in that order, after ending a registry that a killed
     * launcher left running with this data directory.
     *
     * @throws PortInUseException if a port to listen on is held by another process; nothing was started then
     */
    public static LapseStandalone start(Options options, Path registryHome, String... extraArgs) {
        Path registryData = options.dataDir().resolve("registry");
        SchemaRegistryProcess.endStale(registryData);
        requireFreePorts(options);
        SchemaRegistryProcess registry = SchemaRegistryProcess.start(registryHome, options.registryPort(), registryData);
        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(options.dataDir().resolve("kafka"), options.kafkaPort(), Map.of());
        } catch (RuntimeException e) {
            try {
                registry.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        LapseStandalone lapse = new LapseStandalone(registry, broker, options, List.of(extraArgs));
        try {
            BUILDERS.keySet().forEach(name -> lapse.services.put(name, lapse.run(name)));
        } catch (RuntimeException e) {
            lapse.close();
            throw e;
        }
        return lapse;
    }

    private ConfigurableApplicationContext run(String name, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--spring.kafka.properties.schema.registry.url=" + registry.confluentApiUrl(),
                "--server.port=" + options.servicePorts().getOrDefault(name, 0),
                "--lapse.audit.directory=" + options.dataDir().resolve("audit").toAbsolutePath(),
                // One JVM, five applications: one banner (ours) and start-up lines that name the service.
                "--spring.main.banner-mode=off", "--spring.main.log-startup-info=false"));
        List<String> given = new ArrayList<>(extraArgs);
        Collections.addAll(given, more);
        if (name.equals(RequestServiceApplication.NAME)) {
            args.addAll(identityArguments(given));
        } else {
            // Spring Security comes with request-service's classes; the other services have no security of their own.
            args.add(SharedClasspath.WITHOUT_SECURITY);
        }
        args.addAll(given);
        return BUILDERS.get(name).get().run(args.toArray(String[]::new));
    }

    /**
     * request-service's identity: the embedded issuer keeps its key and the demo users' token files under the data
     * directory, and the demo's source systems are trusted, each unless {@code given} sets it otherwise.
     */
    private List<String> identityArguments(List<String> given) {
        List<String> args = new ArrayList<>();
        if (given.stream().noneMatch(arg -> arg.startsWith("--lapse.identity.embedded.directory="))) {
            args.add("--lapse.identity.embedded.directory=" + identityDirectory());
        }
        if (given.stream().noneMatch(arg -> arg.startsWith("--lapse.identity.embedded.users"))) {
            DEMO_USERS.forEach((user, groups) -> args.add("--lapse.identity.embedded.users." + user + "="
                    + String.join(",", groups)));
        }
        if (given.stream().noneMatch(arg -> arg.startsWith("--lapse.request.ingress.trusted-systems="))) {
            args.add("--lapse.request.ingress.trusted-systems=" + String.join(",", DEMO_SOURCE_SYSTEMS));
        }
        return args;
    }

    /**
     * Where request-service's embedded issuer keeps its signing key and the token files: {@code <data dir>/identity}.
     * Tools and tests mint tokens from it with {@code EmbeddedIssuer.load(identityDirectory())}.
     */
    public Path identityDirectory() {
        return options.dataDir().resolve("identity").toAbsolutePath();
    }

    /**
     * Stops one running service and starts it again with the arguments it was started with plus {@code more}
     * (later arguments win), keeping its place in the stop order: for a benchmark that needs one service configured
     * otherwise for a while, for example grant-issuer with a database target.
     */
    public void restartService(String name, String... more) {
        ConfigurableApplicationContext running = services.get(name);
        if (running == null) {
            throw new IllegalArgumentException("no running service named " + name);
        }
        running.close();
        services.put(name, run(name, more));
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.confluentApiUrl();
    }

    /** The base URL of a service's HTTP port, for example {@code http://127.0.0.1:8081}. */
    public String url(String service) {
        ConfigurableApplicationContext context = services.get(service);
        if (context == null) {
            throw new IllegalArgumentException("no service named " + service);
        }
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    /**
     * Stops the five services (last started first) and leaves the broker and the registry running, for a benchmark
     * that needs the machine's cores for one service of its own on them. Idempotent.
     */
    public void stopServices() {
        StopSequence stops = new StopSequence();
        List<Map.Entry<String, ConfigurableApplicationContext>> running = new ArrayList<>(services.entrySet());
        Collections.reverse(running);
        running.forEach(service -> stops.then(service.getKey(), service.getValue()));
        services.clear();
        stops.close();
    }

    /** Stops the services (last started first), then the broker, then the registry; see {@link StopSequence}. */
    @Override
    public void close() {
        stopOrder().close();
    }

    StopSequence stopOrder() {
        StopSequence stops = new StopSequence();
        List<Map.Entry<String, ConfigurableApplicationContext>> running = new ArrayList<>(services.entrySet());
        Collections.reverse(running);
        running.forEach(service -> stops.then(service.getKey(), service.getValue()));
        return stops.then(KAFKA, broker).then(REGISTRY, registry);
    }

    // The broker and the registry listen on loopback, the services on every address (Spring Boot's default).
    private static void requireFreePorts(Options options) {
        Map<String, Integer> loopback = new LinkedHashMap<>();
        loopback.put(KAFKA, options.kafkaPort());
        loopback.put(REGISTRY, options.registryPort());
        loopback.forEach((part, port) -> {
            if (port != 0 && !Ports.isFree(InetAddress.getLoopbackAddress(), port)) {
                throw new PortInUseException(part, port);
            }
        });
        options.servicePorts().forEach((service, port) -> {
            if (port != 0 && !Ports.isFree(null, port)) {
                throw new PortInUseException(service, port);
            }
        });
    }

    public static void main(String[] args) {
        Path registryHome = SchemaRegistryProcess.homeFromEnvironment().orElse(null);
        if (registryHome == null) {
            System.err.println("lapse: the Apicurio registry distribution was not found; run ./mvnw -Prun -DskipTests"
                    + " package from the repository root, or set -Dlapse.registry.home");
            System.exit(2);
        }
        List<String> arguments = new ArrayList<>(List.of(args));
        String postgres = demoDatabase(arguments);
        LapseStandalone lapse;
        Options options;
        try {
            options = Options.defaults();
            lapse = start(options, registryHome, arguments.toArray(String[]::new));
        } catch (PortInUseException e) {
            System.err.println("lapse: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            System.err.println("lapse: could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                lapse.close();
            } catch (RuntimeException e) {
                System.err.println("lapse: stopped, but not cleanly: " + e.getMessage());
            }
        }, "lapse-stop"));
        System.out.println(banner(lapse, options, postgres));
    }

    /**
     * Sets up the demo database when a PostgreSQL answers and makes it the target {@code postgres}; says what
     * happened, in a line for the banner. Without PostgreSQL, Lapse still runs: grants are then events only.
     */
    private static String demoDatabase(List<String> arguments) {
        if ("off".equals(System.getProperty("lapse.postgres.url"))) {
            return "PostgreSQL          off (-Dlapse.postgres.url=off): grants are events only";
        }
        DemoDatabase demo = DemoDatabase.fromSystemProperties();
        try {
            demo.prepare();
        } catch (SQLException e) {
            return "PostgreSQL          not reachable at " + demo.serverUrl() + " (" + e.getMessage().lines()
                    .findFirst().orElse("") + "): grants are events only.\n"
                    + "                     Start PostgreSQL, or point Lapse at one with -Dlapse.postgres.url="
                    + "jdbc:postgresql://HOST:5432 -Dlapse.postgres.user=SUPERUSER";
        }
        arguments.addAll(demo.targetArguments());
        return "PostgreSQL          " + demo.serverUrl() + "/" + DemoDatabase.DATABASE + " is target 'postgres'; "
                + "read it as the demo's requester: psql -h 127.0.0.1 -U " + DemoDatabase.REQUESTER + " "
                + DemoDatabase.DATABASE;
    }

    private static String banner(LapseStandalone lapse, Options options, String postgres) {
        String api = lapse.url(RequestServiceApplication.NAME);
        Path tokens = lapse.identityDirectory().resolve("tokens");
        return """

                ─────────────────────────────────────────────────────────────────────
                 Lapse is running (data in %s; Ctrl-C stops everything)
                   Kafka bootstrap     %s
                   Schema registry     %s   (Confluent API)
                   request-service     %s   (REST, /actuator/health)
                   policy-engine       %s
                   grant-issuer        %s
                   revoker             %s
                   audit-sink          %s   (GET /v1/audit/verify)
                   %s
                   Identity            tokens of %s in %s
                                       (embedded issuer; JWKS at %s/.well-known/jwks.json)

                 Try it, as alice:
                   curl -s -X POST %s/v1/requests -H 'Content-Type: application/json' \\
                     -H "Authorization: Bearer $(cat %s/alice.jwt)" -d '{
                     "resource":  {"kind": "postgres", "name": "crm.public.customers"},
                     "scope":     {"actions": ["SELECT"], "columns": ["id", "email"]},
                     "reason": "INC-1234: customer cannot log in", "duration": "PT30S"}'
                   curl -s %s/v1/requests/<requestId> \\
                     -H "Authorization: Bearer $(cat %s/alice.jwt)"   # requested → approved → granted → expired
                ─────────────────────────────────────────────────────────────────────
                """.formatted(options.dataDir().toAbsolutePath(), lapse.bootstrapServers(), lapse.registryUrl(), api,
                lapse.url(PolicyEngineApplication.NAME), lapse.url(GrantIssuerApplication.NAME),
                lapse.url(RevokerApplication.NAME), lapse.url(AuditSinkApplication.NAME), postgres,
                String.join(", ", DEMO_USERS.keySet()), tokens, api, api, tokens, api, tokens);
    }
}
