package dev.lapse.revoker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.revoker.expiry.ActiveGrant;
import dev.lapse.revoker.expiry.Effect;
import dev.lapse.revoker.expiry.Ending;
import dev.lapse.revoker.expiry.ExpirySchedule;
import dev.lapse.schemas.GrantIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.RejectedRecordException;
import dev.lapse.schemas.serde.AvroDeserializer;
import dev.lapse.schemas.serde.SchemaRegistry;
import dev.lapse.schemas.serde.SchemaRegistryException;
import dev.lapse.schemas.serde.SerdeConfig;
import dev.lapse.schemas.serde.WireFormat;
import dev.lapse.state.WatchedGrant;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The state reader's direct path against Avro's own: records of the current WatchedGrant schema are read directly,
 * every other one through schema resolution, and both leave the schedule in the same state.
 */
class StateReaderTest {

    private static final long NOW_MS = 1_700_000_000_000L;
    private static final int CURRENT_ID = 7;
    private static final int OLDER_ID = 3;
    /** WatchedGrant before heldRevocation existed: still readable, but not with the direct path. */
    private static final Schema OLDER = SchemaBuilder.record("WatchedGrant").namespace("dev.lapse.state").fields()
            .requiredString("requestId").optionalString("grantId").optionalString("requesterId")
            .name("expiresAt").type().optional().longType().endRecord();

    private final Map<Integer, Schema> schemas = new HashMap<>(Map.of(CURRENT_ID, WatchedGrant.getClassSchema(),
            OLDER_ID, OLDER));
    private final EventDecoder decoder = new EventDecoder(new AvroDeserializer(new InMemoryRegistry(schemas),
            SerdeConfig.from(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://unused",
                    SerdeConfig.SPECIFIC_AVRO_READER, "true"), false)));
    private final StateReader reader = new StateReader(decoder);
    private final ExpirySchedule schedule = new ExpirySchedule(new ExpirySchedule.Options(10, 512), NOW_MS);

    private static ConsumerRecord<String, byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>(Topics.REVOKER_STATE.name(), 0, 0, key, value);
    }

    private static byte[] current(WatchedGrant state) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
            new SpecificDatumWriter<>(WatchedGrant.class).write(state, encoder);
            encoder.flush();
            return WireFormat.frame(CURRENT_ID, body.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] older(String requestId, String grantId, String requesterId, long expiresAtMs) {
        try {
            GenericRecord state = new GenericData.Record(OLDER);
            state.put("requestId", requestId);
            state.put("grantId", grantId);
            state.put("requesterId", requesterId);
            state.put("expiresAt", expiresAtMs);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
            new GenericDatumWriter<GenericRecord>(OLDER).write(state, encoder);
            encoder.flush();
            return WireFormat.frame(OLDER_ID, body.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WatchedGrant grant(String requestId, String grantId, String requesterId, long expiresAtMs) {
        return WatchedGrant.newBuilder().setRequestId(requestId).setGrantId(grantId).setRequesterId(requesterId)
                .setExpiresAt(Instant.ofEpochMilli(expiresAtMs)).build();
    }

    private List<ActiveGrant> endAll() {
        return schedule.advanceTo(Long.MAX_VALUE).stream().map(Ending::grant).toList();
    }

    @Test
    void restore_whenCurrentSchema_readsDirectly() {
        String requestId = UUID.randomUUID().toString();
        reader.restore(record(requestId, current(grant(requestId, GrantIds.of(requestId), "alice", NOW_MS + 5))),
                schedule);

        assertThat(reader.directReads()).isEqualTo(1);
        assertThat(endAll()).containsExactly(
                new ActiveGrant(requestId, GrantIds.of(requestId), "alice", Instant.ofEpochMilli(NOW_MS + 5)));
    }

    @Test
    void restore_whenGrantIdIsForeign_keepsIt() {
        reader.restore(record("r1", current(grant("r1", "g-r1", "bob", NOW_MS + 5))), schedule);

        assertThat(endAll()).extracting(ActiveGrant::grantId).containsExactly("g-r1");
    }

    @Test
    void restore_whenRevocationHeld_holdsIt() {
        reader.restore(record("r1", current(WatchedGrant.newBuilder().setRequestId("r1").setHeldRevocation("early")
                .build())), schedule);

        assertThat(reader.directReads()).isEqualTo(1);
        assertThat(schedule.heldRevocations()).isEqualTo(1);
        assertThat(schedule.watch(new ActiveGrant("r1", "g", "carol", Instant.ofEpochMilli(NOW_MS + 9))))
                .isInstanceOfSatisfying(Effect.Ended.class,
                        ended -> assertThat(ended.ending().cause()).isEqualTo("early"));
    }

    @Test
    void restore_whenTombstoneOrEmptyState_forgetsTheRequest() {
        reader.restore(record("r1", current(grant("r1", "g", "alice", NOW_MS + 5))), schedule);
        reader.restore(record("r2", current(grant("r2", "g", "alice", NOW_MS + 5))), schedule);

        reader.restore(record("r1", null), schedule);
        reader.restore(record("r2", current(WatchedGrant.newBuilder().setRequestId("r2").build())), schedule);

        assertThat(schedule.size()).isZero();
    }

    @Test
    void restore_whenOlderWriterSchema_resolvesIt() {
        reader.restore(record("r1", older("r1", "g-r1", "dave", NOW_MS + 5)), schedule);

        assertThat(reader.directReads()).isZero();
        assertThat(endAll()).containsExactly(new ActiveGrant("r1", "g-r1", "dave", Instant.ofEpochMilli(NOW_MS + 5)));
    }

    @Test
    void restore_whenBytesDoNotRead_rejectsWithTheGenericReason() {
        byte[] truncated = current(grant("r1", "g", "alice", NOW_MS + 5));
        byte[] broken = Arrays.copyOf(truncated, truncated.length - 3);

        assertThatThrownBy(() -> reader.restore(record("r1", broken), schedule))
                .isInstanceOf(RejectedRecordException.class);
        assertThatThrownBy(() -> reader.restore(record("r1", WireFormat.frame(99, new byte[] {2, 'x'})), schedule))
                .isInstanceOf(RejectedRecordException.class);
        assertThat(schedule.size()).isZero();
    }

    @Test
    void randomStates_directAndResolvedReadsAgree() {
        Random random = new Random(5);
        ExpirySchedule resolved = new ExpirySchedule(new ExpirySchedule.Options(10, 512), NOW_MS);
        for (int i = 0; i < 5_000; i++) {
            String requestId =
                    random.nextBoolean() ? new UUID(1, random.nextInt(300)).toString() : "r" + random.nextInt(300);
            WatchedGrant.Builder state = WatchedGrant.newBuilder().setRequestId(requestId);
            switch (random.nextInt(4)) {
                case 0, 1 -> state.setGrantId(random.nextBoolean() ? GrantIds.of(requestId) : "g" + i)
                        .setRequesterId("user-" + random.nextInt(10))
                        .setExpiresAt(Instant.ofEpochMilli(NOW_MS + random.nextInt(1_000_000)));
                case 2 -> state.setHeldRevocation("cause " + i);
                default -> { }
            }
            byte[] value = random.nextInt(10) == 0 ? null : current(state.build());
            reader.restore(record(requestId, value), schedule);
            if (value == null) {
                resolved.forget(requestId);
            } else {
                WatchedGrant decoded = decoder.decode(record(requestId, value), WatchedGrant.class);
                if (decoded.getExpiresAt() != null) {
                    resolved.restoreGrant(new ActiveGrant(decoded.getRequestId(), decoded.getGrantId(),
                            decoded.getRequesterId(), decoded.getExpiresAt()));
                } else if (decoded.getHeldRevocation() != null) {
                    resolved.restoreHeldRevocation(decoded.getRequestId(), decoded.getHeldRevocation());
                } else {
                    resolved.forget(decoded.getRequestId());
                }
            }
        }

        assertThat(reader.directReads()).isGreaterThan(4_000);
        assertThat(schedule.heldRevocations()).isEqualTo(resolved.heldRevocations());
        assertThat(schedule.advanceTo(Long.MAX_VALUE)).isEqualTo(resolved.advanceTo(Long.MAX_VALUE));
    }

    /** A registry that knows a fixed set of schemas by id. */
    private record InMemoryRegistry(Map<Integer, Schema> schemas) implements SchemaRegistry {
        @Override
        public int register(String subject, Schema schema) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public int idOf(String subject, Schema schema) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public RegisteredSchema latest(String subject) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public Schema byId(int id) {
            Schema schema = schemas.get(id);
            if (schema == null) {
                throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "no schema " + id);
            }
            return schema;
        }
    }
}
