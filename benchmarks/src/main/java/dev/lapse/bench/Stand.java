package dev.lapse.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What a run's sections measure on: the one broker and registry of the run, and Lapse's services on them.
 *
 * @param bootstrapServers the embedded broker
 * @param registryUrl the registry's Confluent-compatible API
 * @param requestServiceUrl request-service's REST API, for example {@code http://127.0.0.1:41234}
 * @param dataDir the run's data directory (broker, registry, audit); a section may keep scratch files under it
 * @param identityDirectory where request-service's embedded issuer keeps its key: REST calls carry tokens minted
 *     with it (see {@code Approvable#bearerToken})
 * @param servicesStop stops Lapse's five services and leaves the broker and the registry running, for a section that
 *     measures one service of its own on them; every section after it then finds no service running
 * @param serviceRestart restarts one of the five services with more arguments, for a section that needs it
 *     configured otherwise for a while; such a section restarts it again without them before it returns
 */
public record Stand(String bootstrapServers, String registryUrl, String requestServiceUrl, Path dataDir,
        Path identityDirectory, Runnable servicesStop, ServiceRestart serviceRestart) {

    /** Stops one service by name (for example {@code grant-issuer}) and starts it again with more arguments. */
    @FunctionalInterface
    public interface ServiceRestart {

        /** @param moreArgs Spring arguments added to those the run starts the service with; empty: as at first */
        void restart(String service, List<String> moreArgs);
    }
}
