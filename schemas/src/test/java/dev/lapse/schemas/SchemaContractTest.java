package dev.lapse.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules every event schema keeps so that consumers in any language can rely on them, and the proof that
 * every schema stays BACKWARD-compatible with the last released version (kept under
 * {@code src/test/resources/released/}). A release copies the current schemas there.
 */
class SchemaContractTest {

    /** The version whose schemas every change must stay compatible with. */
    private static final String RELEASED = "0.1.0";

    static Stream<Schema> eventSchemas() {
        Set<Class<?>> types = new LinkedHashSet<>();
        Topics.LIFECYCLE.forEach(topic -> types.add(topic.valueType()));
        types.add(dev.lapse.event.ApprovalVoteCast.class);
        return types.stream().map(type -> SpecificData.get().getSchema(type));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventSchemas")
    void schema_isBackwardCompatibleWithReleasedVersion(Schema current) throws IOException {
        String path = "/released/" + RELEASED + "/" + current.getName() + ".avsc";
        try (InputStream in = SchemaContractTest.class.getResourceAsStream(path)) {
            assertThat(in).as("released schema %s (a new event needs no entry until it is released)", path)
                    .isNotNull();
            Schema released = new Schema.Parser().parse(in);
            SchemaCompatibility.SchemaPairCompatibility result =
                    SchemaCompatibility.checkReaderWriterCompatibility(current, released);
            assertThat(result.getType())
                    .as("%s must read data written with release %s: %s", current.getName(), RELEASED,
                            result.getResult().getIncompatibilities())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    static Stream<Schema> allSchemas() {
        return Stream.concat(eventSchemas(),
                Topics.STATE.stream().map(topic -> SpecificData.get().getSchema(topic.valueType())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allSchemas")
    void schema_keepsTheHouseRules(Schema schema) {
        List<String> problems = new ArrayList<>();
        check(schema, schema.getName(), problems, new LinkedHashSet<>());
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventSchemas")
    void schema_carriesTheEventHeader(Schema schema) {
        assertThat(schema.getField("eventId")).isNotNull();
        assertThat(schema.getField("requestId")).isNotNull();
        assertThat(schema.getField("causedBy")).isNotNull();
        assertThat(schema.getField("occurredAt").schema().getLogicalType()).isEqualTo(LogicalTypes.timestampMillis());
    }

    private static void check(Schema schema, String path, List<String> problems, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                if (schema.getDoc() == null || schema.getDoc().isBlank()) {
                    problems.add(path + ": record has no doc");
                }
                for (Schema.Field field : schema.getFields()) {
                    String fieldPath = path + "." + field.name();
                    if (field.doc() == null || field.doc().isBlank()) {
                        problems.add(fieldPath + ": field has no doc");
                    }
                    Schema instant = field.schema().getType() == Schema.Type.UNION && field.schema().isNullable()
                            ? field.schema().getTypes().stream().filter(branch -> branch.getType() != Schema.Type.NULL)
                                    .findFirst().orElse(field.schema())
                            : field.schema();
                    if (field.name().endsWith("At")
                            && !LogicalTypes.timestampMillis().equals(instant.getLogicalType())) {
                        problems.add(fieldPath + ": instants are timestamp-millis");
                    }
                    if (field.schema().isNullable() && field.schema().getType() == Schema.Type.UNION
                            && !(field.hasDefaultValue() && field.defaultVal() == org.apache.avro.JsonProperties.NULL_VALUE)) {
                        problems.add(fieldPath + ": optional field needs default null");
                    }
                    check(field.schema(), fieldPath, problems, seen);
                }
            }
            case ENUM -> {
                if (schema.getEnumDefault() == null) {
                    problems.add(path + ": enum " + schema.getName() + " needs a default symbol");
                }
            }
            case ARRAY -> check(schema.getElementType(), path + "[]", problems, seen);
            case UNION -> schema.getTypes().forEach(branch -> check(branch, path, problems, seen));
            default -> {
            }
        }
    }
}
