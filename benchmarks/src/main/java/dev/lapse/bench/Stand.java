package dev.lapse.bench;

import java.nio.file.Path;

/**
 * What a run's sections measure on: the one broker and registry of the run, and Lapse's services on them.
 *
 * @param bootstrapServers the embedded broker
 * @param registryUrl the registry's Confluent-compatible API
 * @param requestServiceUrl request-service's REST API, for example {@code http://127.0.0.1:41234}
 * @param dataDir the run's data directory (broker, registry, audit); a section may keep scratch files under it
 * @param servicesStop stops Lapse's five services and leaves the broker and the registry running, for a section that
 *     measures one service of its own on them; every section after it then finds no service running
 */
public record Stand(String bootstrapServers, String registryUrl, String requestServiceUrl, Path dataDir,
        Runnable servicesStop) {
}
