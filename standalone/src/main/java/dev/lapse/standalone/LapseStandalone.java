package dev.lapse.standalone;

import dev.lapse.audit.AuditSinkApplication;
import dev.lapse.embedded.KafkaBroker;
import dev.lapse.embedded.SchemaRegistryProcess;
import dev.lapse.grant.GrantIssuerApplication;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.revoker.RevokerApplication;
import java.nio.file.Path;
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
 * Closing it stops the services, then the broker, then the registry: no process is left behind.
 */
public final class LapseStandalone implements AutoCloseable {

    /** Where things listen and live; port 0 means any free port (tests). */
    public record Options(Path dataDir, int kafkaPort, int registryPort, Map<String, Integer> servicePorts) {
        public Options {
            Objects.requireNonNull(dataDir, "dataDir");
            servicePorts = Map.copyOf(servicePorts);
        }

        /** The defaults of the one-command run: data in ./.lapse, Kafka on 9092, the registry on 18081. */
        public static Options defaults() {
            return new Options(Path.of(System.getProperty("lapse.data-dir", ".lapse")), 9092, 18081, Map.of(
                    RequestServiceApplication.NAME, 8081, PolicyEngineApplication.NAME, 8082,
                    GrantIssuerApplication.NAME, 8083, RevokerApplication.NAME, 8084, AuditSinkApplication.NAME, 8085));
        }
    }

    private final SchemaRegistryProcess registry;
    private final KafkaBroker broker;
    private final Map<String, ConfigurableApplicationContext> services = new LinkedHashMap<>();

    private LapseStandalone(SchemaRegistryProcess registry, KafkaBroker broker) {
        this.registry = registry;
        this.broker = broker;
    }

    /** Starts the registry, the broker and every service, in that order. */
    public static LapseStandalone start(Options options, Path registryHome, String... extraArgs) {
        SchemaRegistryProcess registry = SchemaRegistryProcess.start(registryHome, options.registryPort(),
                options.dataDir().resolve("registry"));
        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(options.dataDir().resolve("kafka"), options.kafkaPort(), Map.of());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        LapseStandalone lapse = new LapseStandalone(registry, broker);
        try {
            Map<String, Supplier<SpringApplicationBuilder>> builders = new LinkedHashMap<>();
            builders.put(RequestServiceApplication.NAME, RequestServiceApplication::builder);
            builders.put(PolicyEngineApplication.NAME, PolicyEngineApplication::builder);
            builders.put(GrantIssuerApplication.NAME, GrantIssuerApplication::builder);
            builders.put(RevokerApplication.NAME, RevokerApplication::builder);
            builders.put(AuditSinkApplication.NAME, AuditSinkApplication::builder);
            builders.forEach((name, builder) -> {
                List<String> args = new ArrayList<>(List.of(
                        "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                        "--spring.kafka.properties.schema.registry.url=" + registry.confluentApiUrl(),
                        "--server.port=" + options.servicePorts().getOrDefault(name, 0),
                        "--lapse.audit.directory=" + options.dataDir().resolve("audit").toAbsolutePath(),
                        // One JVM, five applications: one banner (ours) and start-up lines that name the service.
                        "--spring.main.banner-mode=off", "--spring.main.log-startup-info=false"));
                Collections.addAll(args, extraArgs);
                lapse.services.put(name, builder.get().run(args.toArray(String[]::new)));
            });
        } catch (RuntimeException e) {
            lapse.close();
            throw e;
        }
        return lapse;
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

    @Override
    public void close() {
        List<ConfigurableApplicationContext> running = new ArrayList<>(services.values());
        Collections.reverse(running);
        running.forEach(ConfigurableApplicationContext::close);
        broker.close();
        registry.close();
    }

    public static void main(String[] args) {
        Path registryHome = SchemaRegistryProcess.homeFromEnvironment().orElse(null);
        if (registryHome == null) {
            System.err.println("lapse: the Apicurio registry distribution was not found; run ./mvnw -Prun -DskipTests"
                    + " package from the repository root, or set -Dlapse.registry.home");
            System.exit(2);
        }
        Options options = Options.defaults();
        LapseStandalone lapse;
        try {
            lapse = start(options, registryHome, args);
        } catch (RuntimeException e) {
            System.err.println("lapse: could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(lapse::close, "lapse-stop"));
        System.out.println(banner(lapse, options));
    }

    private static String banner(LapseStandalone lapse, Options options) {
        String api = lapse.url(RequestServiceApplication.NAME);
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

                 Try it:
                   curl -s -X POST %s/v1/requests -H 'Content-Type: application/json' -d '{
                     "requester": {"id": "alice@example.com", "groups": ["support"]},
                     "resource":  {"kind": "postgres", "name": "crm.public.customers"},
                     "scope":     {"actions": ["SELECT"], "columns": ["id", "email"]},
                     "reason": "INC-1234: customer cannot log in", "duration": "PT30S"}'
                   curl -s %s/v1/requests/<requestId>     # requested → approved → granted → expired
                ─────────────────────────────────────────────────────────────────────
                """.formatted(options.dataDir().toAbsolutePath(), lapse.bootstrapServers(), lapse.registryUrl(), api,
                lapse.url(PolicyEngineApplication.NAME), lapse.url(GrantIssuerApplication.NAME),
                lapse.url(RevokerApplication.NAME), lapse.url(AuditSinkApplication.NAME), api, api);
    }
}
