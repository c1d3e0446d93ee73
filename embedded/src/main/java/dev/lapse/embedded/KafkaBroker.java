package dev.lapse.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), from Apache Kafka's own
 * jars. Its data directory survives a restart: the directory is formatted once, and reused when it already holds
 * {@code meta.properties}. Settings are the single-node ones under which transactions and offset commits work.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;

    private KafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
    }

    /**
     * Starts a broker on loopback.
     *
     * @param dataDir where the log and metadata live; formatted on first use, reused afterwards
     * @param port the client port, or 0 for any free port
     * @param overrides broker settings that replace the defaults
     */
    public static KafkaBroker start(Path dataDir, int port, Map<String, String> overrides) {
        int brokerPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:"
                + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dataDir.toAbsolutePath().toString());
        // One node: every internal topic has one replica, or transactions and offset commits hang.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "6");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "6");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // A transaction's first write to a partition waits, inside the broker, until the same producer's previous
        // transaction has finished committing, retried every 20 ms by default. Every Lapse hop commits per poll batch
        // and begins the next transaction at once, so that retry was most of a hop's latency and held the revoker's
        // loop at ~25 ms a turn; 2 ms keeps it to the markers' own time. README, Latency, says so for other brokers.
        props.put("add.partitions.to.txn.retry.backoff.ms", "2");
        // Topics are declared by the services with the partition count of the contract, never made by accident.
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "6");
        props.putAll(overrides);

        KafkaConfig config = KafkaConfig.fromProps(props, false);
        format(dataDir, config);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + brokerPort;
        log.info("Kafka broker (KRaft) listening on {} with data in {}", bootstrap, dataDir.toAbsolutePath());
        return new KafkaBroker(server, bootstrap, dataDir);
    }

    /** Starts a broker on any free port with a fresh temporary data directory, for tests. */
    public static KafkaBroker startTemporary() {
        try {
            return start(Files.createTempDirectory("lapse-kafka-"), 0, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary Kafka data directory", e);
        }
    }

    private static void format(Path dataDir, KafkaConfig config) {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            new Formatter()
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                    .addDirectory(dataDir.toAbsolutePath().toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setHasDynamicQuorum(false)
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** The address clients connect to, as {@code host:port}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        log.info("Kafka broker on {} stopped", bootstrapServers);
    }

    static int freePort() {
        return Ports.freeLoopbackPort();
    }
}
