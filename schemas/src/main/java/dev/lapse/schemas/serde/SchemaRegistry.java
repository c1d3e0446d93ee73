package dev.lapse.schemas.serde;

import org.apache.avro.Schema;

/** The part of the Confluent Schema Registry REST API that a serializer and a deserializer need. */
public interface SchemaRegistry {

    /** Registers a schema under a subject (idempotent) and returns its id. */
    int register(String subject, Schema schema);

    /** Returns the id of a schema already registered under a subject; fails with 40401 or 40403 otherwise. */
    int idOf(String subject, Schema schema);

    /** Returns the latest schema registered under a subject. */
    RegisteredSchema latest(String subject);

    /** Returns the schema with the given id. */
    Schema byId(int id);

    /** A schema as registered: its id, its subject's version and the schema itself. */
    record RegisteredSchema(int id, int version, Schema schema) {
    }
}
