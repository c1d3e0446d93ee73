package dev.lapse.audit.kafka;

import dev.lapse.audit.chain.CanonicalJson;
import dev.lapse.audit.chain.ThreadScratch;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;
import org.jspecify.annotations.Nullable;

/**
 * A datum decoded with its writer's schema as Avro's own JSON encoding (the one {@code JsonEncoder} writes), in the
 * canonical form of {@link CanonicalJson}: records and maps as objects, arrays as arrays, enums as their symbol, a
 * non-null union branch as {@code {"<branch name>": value}}, bytes and fixed as a string with one char per byte
 * (U+0000..U+00FF), longs and ints as integers. Anyone with the writer's schema can turn it back into the Avro binary.
 * Floats and doubles are refused with {@link UnrepresentableValueException}, which names the field.
 */
final class AvroJson {

    private static final GenericData DATA = new GenericData();
    private static final ThreadScratch SCRATCH = new ThreadScratch();
    /** Each record schema's fields in canonical member order; a few schemas, one instance each per registry id. */
    private static final Map<Schema, List<Schema.Field>> SORTED_FIELDS =
            Collections.synchronizedMap(new IdentityHashMap<>());

    private AvroJson() {
    }

    /**
     * The canonical JSON of a datum under its writer's schema, written as the datum is walked.
     *
     * @throws UnrepresentableValueException if it holds a float or a double, which canonical JSON here cannot hold
     * @throws UnreadableValueException if a string is not UTF-8, so the body does not match its schema
     */
    static String json(Schema schema, @Nullable Object datum) {
        StringBuilder scratch = SCRATCH.take();
        CanonicalJson.Writer out = new CanonicalJson.Writer(scratch);
        try {
            write(schema, datum, () -> "value", out);
            return out.finish();
        } finally {
            SCRATCH.release(scratch);
        }
    }

    // Where a value sits is only said when it cannot be written; building that text for every field of every audited
    // record was a measurable share of the sink's CPU, so a path is a supplier, spelled out only for a message.
    private static void write(Schema schema, @Nullable Object datum, Supplier<String> path, CanonicalJson.Writer out) {
        switch (schema.getType()) {
            case NULL -> out.nullValue();
            case BOOLEAN -> out.value((boolean) (Boolean) datum);
            case INT -> out.value((long) (Integer) datum);
            case LONG -> out.value((long) (Long) datum);
            case FLOAT, DOUBLE -> throw new UnrepresentableValueException(path.get() + " is a "
                    + schema.getType().getName()
                    + " (" + datum + "): the audit's canonical JSON holds integers only");
            case STRING -> out.value(text((Utf8) datum, path));
            case ENUM -> out.value(String.valueOf(datum));
            case BYTES -> out.value(latin1(bytes((ByteBuffer) datum)));
            case FIXED -> out.value(latin1(((GenericFixed) datum).bytes()));
            case ARRAY -> {
                out.beginArray();
                int i = 0;
                for (Object item : (Collection<?>) datum) {
                    int index = i++;
                    write(schema.getElementType(), item, () -> path.get() + "[" + index + "]", out);
                }
                out.endArray();
            }
            case MAP -> {
                // Keys in canonical order: Avro keeps a map's members in no particular one.
                Map<String, @Nullable Object> members = new TreeMap<>();
                for (Map.Entry<?, ?> member : ((Map<?, ?>) datum).entrySet()) {
                    members.put(text((Utf8) member.getKey(), () -> path.get() + " key"), member.getValue());
                }
                out.beginObject();
                for (Map.Entry<String, @Nullable Object> member : members.entrySet()) {
                    String name = member.getKey();
                    write(schema.getValueType(), member.getValue(), () -> path.get() + "[\"" + name + "\"]",
                            out.name(name));
                }
                out.endObject();
            }
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) datum;
                out.beginObject();
                for (Schema.Field field : sortedFields(schema)) {
                    write(field.schema(), record.get(field.pos()), () -> path(path.get(), field.name()),
                            out.name(field.name()));
                }
                out.endObject();
            }
            case UNION -> {
                Schema branch = schema.getTypes().get(DATA.resolveUnion(schema, datum));
                if (branch.getType() == Schema.Type.NULL) {
                    out.nullValue();
                } else {
                    String name = branch.getFullName(); // the type's name for primitives, the full name for named types
                    write(branch, datum, () -> path.get() + "<" + name + ">", out.beginObject().name(name));
                    out.endObject();
                }
            }
        }
    }

    private static List<Schema.Field> sortedFields(Schema record) {
        return SORTED_FIELDS.computeIfAbsent(record, schema -> schema.getFields().stream()
                .sorted(Comparator.comparing(Schema.Field::name)).toList());
    }

    private static String path(String parent, String field) {
        return parent.equals("value") ? field : parent + "." + field;
    }

    // Strictly: bytes that are not UTF-8 would otherwise become U+FFFD, and two different records would look alike.
    private static String text(Utf8 utf8, Supplier<String> path) {
        byte[] bytes = utf8.getBytes();
        int length = utf8.getByteLength();
        boolean ascii = true;
        for (int i = 0; i < length && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        if (ascii) {
            return new String(bytes, 0, length, StandardCharsets.US_ASCII); // always valid UTF-8, and most text is
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new UnreadableValueException("the Avro body does not match its schema: " + path.get()
                    + " is a string whose bytes are not UTF-8", null);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
