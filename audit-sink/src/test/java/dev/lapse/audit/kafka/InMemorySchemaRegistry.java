package dev.lapse.audit.kafka;

import dev.lapse.schemas.serde.RegistryUnavailableException;
import dev.lapse.schemas.serde.SchemaRegistry;
import dev.lapse.schemas.serde.SchemaRegistryException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

/**
 * A registry held in memory for unit tests of the edge: registers and answers by id, and can be told to be down
 * (unreachable) or to answer every look-up with an HTTP error status. The integration tests use Apicurio instead.
 */
final class InMemorySchemaRegistry implements SchemaRegistry {

    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicInteger lookups = new AtomicInteger();
    private volatile boolean down;
    private volatile @Nullable Integer errorStatus;

    @Override
    public int register(String subject, Schema schema) {
        for (Map.Entry<Integer, Schema> known : schemas.entrySet()) {
            if (known.getValue().equals(schema)) {
                return known.getKey();
            }
        }
        int id = nextId.getAndIncrement();
        schemas.put(id, schema);
        return id;
    }

    @Override
    public int idOf(String subject, Schema schema) {
        return register(subject, schema);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        throw new UnsupportedOperationException("not used by the audit");
    }

    @Override
    public Schema byId(int id) {
        lookups.incrementAndGet();
        if (down) {
            throw new RegistryUnavailableException("schema registry at memory: is unreachable");
        }
        Integer status = errorStatus;
        if (status != null) {
            throw new SchemaRegistryException(status, status * 100, "GET /schemas/ids/" + id + " failed with HTTP "
                    + status);
        }
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "GET /schemas/ids/" + id + " failed with HTTP 404 (error_code 40403): Schema not found");
        }
        return schema;
    }

    void down(boolean down) {
        this.down = down;
    }

    void answerWith(@Nullable Integer status) {
        this.errorStatus = status;
    }

    int lookups() {
        return lookups.get();
    }
}
