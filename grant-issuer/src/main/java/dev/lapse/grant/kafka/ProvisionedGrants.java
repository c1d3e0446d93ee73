package dev.lapse.grant.kafka;

import dev.lapse.event.AccessGranted;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.StateTopicScan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads grant-issuer's provisioned-grants state (every grant provisioned in a target and not withdrawn) to its end,
 * all partitions, read_committed: the side of reconciliation that says what should be in the targets.
 */
final class ProvisionedGrants {

    private static final Logger log = LoggerFactory.getLogger(ProvisionedGrants.class);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final EventDecoder decoder;

    ProvisionedGrants(Supplier<Consumer<String, byte[]>> consumers, EventDecoder decoder) {
        this.consumers = consumers;
        this.decoder = decoder;
    }

    /** The grants provisioned and not withdrawn, by request id, as committed now. */
    Map<String, AccessGranted> read() {
        Map<String, AccessGranted> grants = new HashMap<>();
        try (Consumer<String, byte[]> reader = consumers.get()) {
            List<TopicPartition> parts = reader.partitionsFor(Topics.PROVISIONED_GRANTS_STATE.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            StateTopicScan.readToEnd(reader, parts, record -> {
                if (record.value() == null) {
                    grants.remove(record.key());
                    return;
                }
                try {
                    grants.put(record.key(), decoder.decode(record, AccessGranted.class));
                } catch (RuntimeException unreadable) {
                    // Reconciliation then treats the grant as unknown: a target object of it is a stray.
                    log.warn("Provisioned grant {} at {}-{}@{} cannot be read ({}); left out of reconciliation",
                            record.key(), record.topic(), record.partition(), record.offset(),
                            unreadable.getMessage());
                }
            });
        }
        return grants;
    }
}
