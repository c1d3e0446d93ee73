package dev.lapse.audit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.audit.chain.CanonicalJson;
import dev.lapse.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Everything", "namespace": "test.audit", "fields": [
              {"name": "id", "type": "string"},
              {"name": "count", "type": "int"},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "flag", "type": "boolean"},
              {"name": "nothing", "type": "null"},
              {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
              {"name": "raw", "type": "bytes"},
              {"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 2}},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "labels", "type": {"type": "map", "values": "long"}},
              {"name": "maybe", "type": ["null", "string"]},
              {"name": "either", "type": ["null", "long", {"type": "record", "name": "Inner",
                "fields": [{"name": "x", "type": "int"}]}]}
            ]}""");

    @Test
    void json_isAvrosOwnJsonEncoding() throws IOException {
        GenericRecord inner = new GenericData.Record(SCHEMA.getField("either").schema().getTypes().get(2));
        inner.put("x", 7);
        GenericRecord record = record(inner);

        String json = AvroJson.json(SCHEMA, record);

        assertThat(json).isEqualTo(CanonicalJson.canonicalize(avroJsonEncoder(record)));
        assertThat(json).isEqualTo("{\"at\":1767225600000,\"count\":-3,\"digest\":\"\\u0000\u00ff\","
                + "\"either\":{\"test.audit.Inner\":{\"x\":7}},\"flag\":true,\"id\":\"r\u00e9q\",\"kind\":\"B\","
                + "\"labels\":{\"a\":1,\"b\":2},\"maybe\":null,\"nothing\":null,\"raw\":\"\\u0001\u00e9\","
                + "\"tags\":[\"x\",\"y\"]}");
    }

    @Test
    void json_ofAPrimitiveUnionBranch_isWrappedInItsTypeName() throws IOException {
        GenericRecord record = record(42L);
        record.put("maybe", new Utf8("m"));

        assertThat(AvroJson.json(SCHEMA, record))
                .contains("\"either\":{\"long\":42}", "\"maybe\":{\"string\":\"m\"}")
                .isEqualTo(CanonicalJson.canonicalize(avroJsonEncoder(record)));
    }

    @Test
    void json_whenAFieldIsADouble_namesIt() {
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Priced", "fields": [
                  {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "Item",
                    "fields": [{"name": "price", "type": ["null", "double"]}]}}}]}""");
        GenericRecord item = new GenericData.Record(schema.getField("items").schema().getElementType());
        item.put("price", Double.NaN);
        GenericRecord priced = new GenericData.Record(schema);
        priced.put("items", List.of(item));

        assertThatThrownBy(() -> AvroJson.json(schema, priced))
                .isInstanceOf(UnrepresentableValueException.class)
                .hasMessage("items[0].price<double> is a double (NaN): the audit's canonical JSON holds integers only");
    }

    @Test
    void json_whenAStringIsNotUtf8() {
        GenericRecord record = record(null);
        record.put("id", new Utf8(new byte[] {'r', (byte) 0xff}));

        assertThatThrownBy(() -> AvroJson.json(SCHEMA, record))
                .isInstanceOf(UnreadableValueException.class)
                .hasMessageContaining("id is a string whose bytes are not UTF-8");
    }

    @Test
    void json_ofEveryLapseEvent_withRandomValues_isAvrosOwnJsonEncoding() throws IOException {
        Random random = new Random(20261129);
        Set<Class<?>> types = new LinkedHashSet<>();
        Topics.LIFECYCLE.forEach(topic -> types.add(topic.valueType()));
        types.add(dev.lapse.event.ApprovalVoteCast.class);
        for (Class<?> type : types) {
            Schema schema = SpecificData.get().getSchema(type);
            for (int i = 0; i < 200; i++) {
                Object datum = randomDatum(schema, random);
                assertThat(AvroJson.json(schema, datum)).as("%s #%d", schema.getName(), i)
                        .isEqualTo(CanonicalJson.canonicalize(avroJsonEncoder(schema, datum)));
            }
        }
    }

    // Values of every kind the schemas hold; strings mix ASCII, escapes, controls, Latin-1, BMP and emoji.
    private static Object randomDatum(Schema schema, Random random) {
        return switch (schema.getType()) {
            case NULL -> null;
            case BOOLEAN -> random.nextBoolean();
            case INT -> random.nextInt();
            case LONG -> random.nextLong();
            case STRING -> new Utf8(randomText(random));
            case ENUM -> new GenericData.EnumSymbol(schema,
                    schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
            case BYTES -> {
                byte[] bytes = new byte[random.nextInt(5)];
                random.nextBytes(bytes);
                yield ByteBuffer.wrap(bytes);
            }
            case FIXED -> {
                byte[] bytes = new byte[schema.getFixedSize()];
                random.nextBytes(bytes);
                yield new GenericData.Fixed(schema, bytes);
            }
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    items.add(randomDatum(schema.getElementType(), random));
                }
                yield items;
            }
            case MAP -> {
                Map<Utf8, Object> members = new HashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    members.put(new Utf8(randomText(random)), randomDatum(schema.getValueType(), random));
                }
                yield members;
            }
            case RECORD -> {
                GenericRecord record = new GenericData.Record(schema);
                schema.getFields().forEach(field -> record.put(field.pos(), randomDatum(field.schema(), random)));
                yield record;
            }
            case UNION -> randomDatum(schema.getTypes().get(random.nextInt(schema.getTypes().size())), random);
            case FLOAT, DOUBLE -> throw new IllegalArgumentException("no Lapse event holds a " + schema.getType());
        };
    }

    private static String randomText(Random random) {
        String[] pieces = {"req-", "\u00e9", "\"", "\\", "\n", "\u0001", "\u2603", "\ud83d\ude00", "SELECT", " ",
                "\u007f", "/"};
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(6); i > 0; i--) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.toString();
    }

    private static GenericRecord record(Object either) {
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put("id", new Utf8("r\u00e9q"));
        record.put("count", -3);
        record.put("at", 1_767_225_600_000L);
        record.put("flag", true);
        record.put("nothing", null);
        record.put("kind", new GenericData.EnumSymbol(SCHEMA.getField("kind").schema(), "B"));
        record.put("raw", ByteBuffer.wrap(new byte[] {1, (byte) 0xe9}));
        record.put("digest", new GenericData.Fixed(SCHEMA.getField("digest").schema(), new byte[] {0, (byte) 0xff}));
        record.put("tags", List.of(new Utf8("x"), new Utf8("y")));
        record.put("labels", Map.of(new Utf8("b"), 2L, new Utf8("a"), 1L));
        record.put("maybe", null);
        record.put("either", either);
        return record;
    }

    private static String avroJsonEncoder(GenericRecord record) throws IOException {
        return avroJsonEncoder(SCHEMA, record);
    }

    private static String avroJsonEncoder(Schema schema, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(schema, out);
        new GenericDatumWriter<Object>(schema, new GenericData()).write(datum, encoder);
        encoder.flush();
        return out.toString(StandardCharsets.UTF_8);
    }
}
