package dev.lapse.audit.kafka;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
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
 * A datum decoded with its writer's schema as Avro's own JSON encoding (the one {@code JsonEncoder} writes), built as
 * a tree that {@link dev.lapse.audit.chain.CanonicalJson} writes: records and maps as objects, arrays as arrays, enums
 * as their symbol, a non-null union branch as {@code {"<branch name>": value}}, bytes and fixed as a string with one
 * char per byte (U+0000..U+00FF), longs and ints as integers. Anyone with the writer's schema can turn it back into the
 * Avro binary. Floats and doubles are refused with {@link UnrepresentableValueException}, which names the field.
 */
final class AvroJson {

    private static final GenericData DATA = new GenericData();

    private AvroJson() {
    }

    /**
     * The tree of a datum under its writer's schema.
     *
     * @throws UnrepresentableValueException if it holds a float or a double, which canonical JSON here cannot hold
     * @throws UnreadableValueException if a string is not UTF-8, so the body does not match its schema
     */
    static @Nullable Object tree(Schema schema, @Nullable Object datum) {
        return tree(schema, datum, () -> "value");
    }

    // Where a value sits is only said when it cannot be written; building that text for every field of every audited
    // record was a measurable share of the sink's CPU, so a path is a supplier, spelled out only for a message.
    private static @Nullable Object tree(Schema schema, @Nullable Object datum, Supplier<String> path) {
        return switch (schema.getType()) {
            case NULL -> null;
            case BOOLEAN -> (Boolean) datum;
            case INT -> (Integer) datum;
            case LONG -> (Long) datum;
            case FLOAT, DOUBLE -> throw new UnrepresentableValueException(path.get() + " is a "
                    + schema.getType().getName()
                    + " (" + datum + "): the audit's canonical JSON holds integers only");
            case STRING -> text((Utf8) datum, path);
            case ENUM -> String.valueOf(datum);
            case BYTES -> latin1(bytes((ByteBuffer) datum));
            case FIXED -> latin1(((GenericFixed) datum).bytes());
            case ARRAY -> {
                List<@Nullable Object> items = new ArrayList<>();
                int i = 0;
                for (Object item : (Collection<?>) datum) {
                    int index = i++;
                    items.add(tree(schema.getElementType(), item, () -> path.get() + "[" + index + "]"));
                }
                yield items;
            }
            case MAP -> {
                Map<String, @Nullable Object> members = new TreeMap<>();
                for (Map.Entry<?, ?> member : ((Map<?, ?>) datum).entrySet()) {
                    String name = text((Utf8) member.getKey(), () -> path.get() + " key");
                    members.put(name, tree(schema.getValueType(), member.getValue(),
                            () -> path.get() + "[\"" + name + "\"]"));
                }
                yield members;
            }
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) datum;
                Map<String, @Nullable Object> members = new TreeMap<>();
                for (Schema.Field field : schema.getFields()) {
                    members.put(field.name(), tree(field.schema(), record.get(field.pos()),
                            () -> path(path.get(), field.name())));
                }
                yield members;
            }
            case UNION -> {
                Schema branch = schema.getTypes().get(DATA.resolveUnion(schema, datum));
                if (branch.getType() == Schema.Type.NULL) {
                    yield null;
                }
                String name = branch.getFullName(); // the type's name for primitives, the full name for named types
                Map<String, @Nullable Object> wrapped = new TreeMap<>();
                wrapped.put(name, tree(branch, datum, () -> path.get() + "<" + name + ">"));
                yield wrapped;
            }
        };
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
