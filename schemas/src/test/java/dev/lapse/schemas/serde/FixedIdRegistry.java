package dev.lapse.schemas.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/** An in-memory registry that hands out one fixed id, for unit tests of the byte layout only. */
final class FixedIdRegistry implements SchemaRegistry {

    private final int id;
    private final Map<Integer, Schema> schemas = new HashMap<>();

    FixedIdRegistry(int id) {
        this.id = id;
    }

    @Override
    public int register(String subject, Schema schema) {
        schemas.put(id, schema);
        return id;
    }

    @Override
    public int idOf(String subject, Schema schema) {
        return register(subject, schema);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND, "no subject " + subject);
    }

    @Override
    public Schema byId(int wanted) {
        Schema schema = schemas.get(wanted);
        if (schema == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "no schema " + wanted);
        }
        return schema;
    }
}
