package dev.lapse.chaos;

import dev.lapse.audit.AuditSinkApplication;
import dev.lapse.chaos.report.ChaosReport;
import dev.lapse.embedded.KafkaBroker;
import dev.lapse.embedded.Ports;
import dev.lapse.embedded.SchemaRegistryProcess;
import dev.lapse.grant.GrantIssuerApplication;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.request.security.SharedClasspath;
import dev.lapse.revoker.RevokerApplication;
import dev.lapse.standalone.StopSequence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a chaos run: the schema registry as a child process, the broker in this JVM (so it can be stopped
 * and started again on the same port and data), and the five services as processes of their own. Closing it stops
 * the services (last started first), then the broker, then the registry.
 */
final class ChaosStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChaosStack.class);
    private static final Duration HEALTHY_TIMEOUT = Duration.ofMinutes(3);
    /** The services in start order, with their main classes. */
    static final Map<String, String> SERVICES = services();

    private final Path runDir;
    private final SchemaRegistryProcess registry;
    private final int kafkaPort;
    private volatile KafkaBroker broker;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    private ChaosStack(Path runDir, SchemaRegistryProcess registry, KafkaBroker broker) {
        this.runDir = runDir;
        this.registry = registry;
        this.broker = broker;
        this.kafkaPort = Integer.parseInt(broker.bootstrapServers().substring(broker.bootstrapServers()
                .lastIndexOf(':') + 1));
    }

    private static Map<String, String> services() {
        Map<String, String> services = new LinkedHashMap<>();
        services.put(RequestServiceApplication.NAME, RequestServiceApplication.class.getName());
        services.put(PolicyEngineApplication.NAME, PolicyEngineApplication.class.getName());
        services.put(GrantIssuerApplication.NAME, GrantIssuerApplication.class.getName());
        services.put(RevokerApplication.NAME, RevokerApplication.class.getName());
        services.put(AuditSinkApplication.NAME, AuditSinkApplication.class.getName());
        return Collections.unmodifiableMap(services);
    }

    /** The run directory as the stack uses it. */
    static Path directory(Path runDir) {
        return runDir.toAbsolutePath().normalize();
    }

    /**
     * Ends whatever a killed harness left running in the run directory: its services and registry, then what it
     * left in PostgreSQL; then empties it.
     */
    static void endStale(Path runDir) {
        Path dir = directory(runDir);
        SERVICES.keySet().forEach(name -> ServiceProcess.pidFile(dir, name).endStale(Duration.ofSeconds(10)));
        SchemaRegistryProcess.endStale(dir.resolve("registry"));
        ChaosDatabase.endStale(dir);
        deleteRecursively(dir);
    }

    /**
     * Starts the registry, the broker and the services in a run directory that {@link #endStale} emptied, and
     * waits until every service is healthy.
     *
     * @param extraArguments more arguments of some services, by service name
     */
    static ChaosStack start(Path runDir, Path registryHome, String classpath, long tickMs,
            Map<String, List<String>> extraArguments) {
        Path dir = directory(runDir);
        SchemaRegistryProcess registry = SchemaRegistryProcess.start(registryHome, 0, dir.resolve("registry"));
        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(dir.resolve("kafka"), Ports.freeLoopbackPort(), Map.of());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        ChaosStack stack = new ChaosStack(dir, registry, broker);
        try {
            SERVICES.forEach((name, mainClass) -> {
                List<String> args = new ArrayList<>(List.of(
                        "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                        "--spring.kafka.properties.schema.registry.url=" + registry.confluentApiUrl(),
                        "--lapse.audit.directory=" + dir.resolve("audit"),
                        "--lapse.instance-id=" + name,
                        "--spring.main.banner-mode=off"));
                int port = Ports.freeLoopbackPort();
                args.add("--server.port=" + port);
                if (name.equals(RevokerApplication.NAME)) {
                    args.add("--lapse.revoker.tick-ms=" + tickMs);
                }
                if (name.equals(RequestServiceApplication.NAME)) {
                    // The load driver mints its callers' tokens with the key kept here; its ingress is trusted.
                    args.add("--lapse.identity.embedded.directory=" + identityDirectory(dir));
                    args.add("--lapse.request.ingress.trusted-systems=" + LoadDriver.SOURCE_SYSTEM);
                } else {
                    // Spring Security is on the classpath for request-service; the others have none of their own.
                    args.add(SharedClasspath.WITHOUT_SECURITY);
                }
                args.addAll(extraArguments.getOrDefault(name, List.of()));
                ServiceProcess service = new ServiceProcess(name, mainClass, port, args, classpath, dir);
                stack.services.put(name, service);
                service.start();
            });
            stack.services.values().forEach(service -> service.awaitHealthy(HEALTHY_TIMEOUT));
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    String registryUrl() {
        return registry.confluentApiUrl();
    }

    Path auditDirectory() {
        return runDir.resolve("audit");
    }

    Path runDir() {
        return runDir;
    }

    /** Where request-service's embedded issuer keeps its signing key, in a run directory. */
    static Path identityDirectory(Path runDir) {
        return directory(runDir).resolve("identity");
    }

    ServiceProcess service(String name) {
        ServiceProcess service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException("no service named " + name);
        }
        return service;
    }

    boolean allHealthy() {
        return services.values().stream().allMatch(ServiceProcess::healthy);
    }

    /** Stops the broker (a controlled shutdown) and starts it again on the same port with the same data. */
    synchronized void restartBroker() {
        long stoppedAt = System.currentTimeMillis();
        log.info("Restarting the broker on port {}", kafkaPort);
        broker.close();
        broker = KafkaBroker.start(runDir.resolve("kafka"), kafkaPort, Map.of());
        log.info("Broker back after {} ms", System.currentTimeMillis() - stoppedAt);
    }

    @Override
    public void close() {
        StopSequence stops = new StopSequence();
        List<ServiceProcess> running = new ArrayList<>(services.values());
        Collections.reverse(running);
        running.forEach(service -> stops.then(service.name(), service));
        stops.then(ChaosReport.BROKER, () -> broker.close()).then("registry", registry).close();
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty the run directory " + dir, e);
        }
    }
}
