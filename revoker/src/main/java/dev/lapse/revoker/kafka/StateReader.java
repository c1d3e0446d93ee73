package dev.lapse.revoker.kafka;

import dev.lapse.revoker.expiry.ActiveGrant;
import dev.lapse.revoker.expiry.ExpirySchedule;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.RejectedRecordException;
import dev.lapse.schemas.serde.SchemaRegistryException;
import dev.lapse.schemas.serde.WireFormat;
import dev.lapse.state.WatchedGrant;
import java.io.IOException;
import java.time.Instant;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the revoker's state records ({@link WatchedGrant}) back into the schedule, fast enough for a restart to read
 * a million active grants in a few seconds.
 *
 * <p>A record written with exactly the schema of the {@link WatchedGrant} class (the revoker's own records, so
 * normally all of them) is decoded straight from its Avro bytes with one reused decoder: five fields in their order,
 * with no WatchedGrant, no resolving decoder and no wire-format objects per record. Any other record (an older or
 * newer writer schema, bytes that do not read) goes through the generic {@link EventDecoder}, which resolves
 * schemas and says why a record cannot be read; so the direct path can only be faster, never decide differently.
 * One owner thread, like the schedule.
 */
final class StateReader {

    private static final Logger log = LoggerFactory.getLogger(StateReader.class);

    private final EventDecoder decoder;
    private @Nullable BinaryDecoder reused;
    // Records come with the same writer schema id, one after another: remembering the last answer saves a map.
    private int lastSchemaId = -1;
    private boolean lastIsCurrent;
    private long directReads;

    StateReader(EventDecoder decoder) {
        this.decoder = decoder;
    }

    /**
     * Applies one state record to the schedule: a grant to watch, a revocation held, or (a tombstone, or a state
     * with neither) nothing left to watch.
     *
     * @throws RejectedRecordException if the record cannot be read
     */
    void restore(ConsumerRecord<String, byte[]> record, ExpirySchedule schedule) {
        byte[] value = record.value();
        if (value == null) {
            schedule.forget(record.key());
            return;
        }
        if (!readDirectly(value, schedule)) {
            WatchedGrant state = decoder.decode(record, WatchedGrant.class);
            Instant expiresAt = state.getExpiresAt();
            apply(schedule, state.getRequestId(), state.getGrantId(), state.getRequesterId(), expiresAt != null,
                    expiresAt == null ? 0 : expiresAt.toEpochMilli(), state.getHeldRevocation());
        }
    }

    /** Decodes and applies a record written with the current schema; false (nothing applied) for any other. */
    private boolean readDirectly(byte[] value, ExpirySchedule schedule) {
        if (value.length < WireFormat.PREFIX_LENGTH || value[0] != WireFormat.MAGIC_BYTE
                || !isCurrentSchema((value[1] & 0xff) << 24 | (value[2] & 0xff) << 16 | (value[3] & 0xff) << 8
                        | (value[4] & 0xff))) {
            return false;
        }
        String requestId;
        String grantId;
        String requesterId;
        boolean hasExpiry;
        long expiresAtMs = 0;
        String heldRevocation;
        try {
            BinaryDecoder in = DecoderFactory.get().binaryDecoder(value, WireFormat.PREFIX_LENGTH,
                    value.length - WireFormat.PREFIX_LENGTH, reused);
            reused = in;
            // The order and types of WatchedGrant.avsc; every optional field is ["null", ...].
            requestId = in.readString();
            grantId = present(in) ? in.readString() : null;
            requesterId = present(in) ? in.readString() : null;
            hasExpiry = present(in);
            if (hasExpiry) {
                expiresAtMs = in.readLong();
            }
            heldRevocation = present(in) ? in.readString() : null;
            if (!in.isEnd()) {
                return false;
            }
        } catch (IOException | RuntimeException e) {
            // Malformed bytes: the generic decoder reads them again and says why they cannot be read.
            return false;
        }
        apply(schedule, requestId, grantId, requesterId, hasExpiry, expiresAtMs, heldRevocation);
        directReads++;
        return true;
    }

    /** How many records were read directly rather than through schema resolution; for tests. */
    long directReads() {
        return directReads;
    }

    private static boolean present(BinaryDecoder in) throws IOException {
        int branch = in.readIndex();
        if (branch != 0 && branch != 1) {
            throw new IOException("union branch " + branch + " of a two-branch union");
        }
        return branch == 1;
    }

    private static void apply(ExpirySchedule schedule, String requestId, @Nullable String grantId,
            @Nullable String requesterId, boolean hasExpiry, long expiresAtMs, @Nullable String heldRevocation) {
        if (hasExpiry && grantId != null && requesterId != null) {
            schedule.restoreGrant(new ActiveGrant(requestId, grantId, requesterId, Instant.ofEpochMilli(expiresAtMs)));
        } else if (heldRevocation != null) {
            schedule.restoreHeldRevocation(requestId, heldRevocation);
        } else {
            schedule.forget(requestId);
        }
    }

    /**
     * Whether records of this schema id are written with exactly WatchedGrant's schema, asked once per id. A
     * registry that cannot be reached fails the restore (it is retried); one that does not know the id leaves the
     * record to the generic decoder, which rejects it.
     */
    private boolean isCurrentSchema(int schemaId) {
        if (schemaId == lastSchemaId) {
            return lastIsCurrent;
        }
        boolean current;
        try {
            current = decoder.writerSchema(schemaId).equals(WatchedGrant.getClassSchema());
        } catch (SchemaRegistryException e) {
            return false;
        }
        lastSchemaId = schemaId;
        lastIsCurrent = current;
        log.info("State records of schema id {} are read {}", schemaId,
                current ? "directly (the current WatchedGrant schema)" : "through schema resolution");
        return current;
    }
}
