package dev.lapse.audit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.audit.chain.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
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
    void tree_isAvrosOwnJsonEncoding() throws IOException {
        GenericRecord inner = new GenericData.Record(SCHEMA.getField("either").schema().getTypes().get(2));
        inner.put("x", 7);
        GenericRecord record = record(inner);

        Object tree = AvroJson.tree(SCHEMA, record);

        assertThat(CanonicalJson.write(tree)).isEqualTo(CanonicalJson.canonicalize(avroJsonEncoder(record)));
        assertThat(CanonicalJson.write(tree)).isEqualTo("{\"at\":1767225600000,\"count\":-3,\"digest\":\"\\u0000\u00ff\","
                + "\"either\":{\"test.audit.Inner\":{\"x\":7}},\"flag\":true,\"id\":\"r\u00e9q\",\"kind\":\"B\","
                + "\"labels\":{\"a\":1,\"b\":2},\"maybe\":null,\"nothing\":null,\"raw\":\"\\u0001\u00e9\","
                + "\"tags\":[\"x\",\"y\"]}");
    }

    @Test
    void tree_ofAPrimitiveUnionBranch_isWrappedInItsTypeName() throws IOException {
        GenericRecord record = record(42L);
        record.put("maybe", new Utf8("m"));

        assertThat(CanonicalJson.write(AvroJson.tree(SCHEMA, record)))
                .contains("\"either\":{\"long\":42}", "\"maybe\":{\"string\":\"m\"}")
                .isEqualTo(CanonicalJson.canonicalize(avroJsonEncoder(record)));
    }

    @Test
    void tree_whenAFieldIsADouble_namesIt() {
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Priced", "fields": [
                  {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "Item",
                    "fields": [{"name": "price", "type": ["null", "double"]}]}}}]}""");
        GenericRecord item = new GenericData.Record(schema.getField("items").schema().getElementType());
        item.put("price", Double.NaN);
        GenericRecord priced = new GenericData.Record(schema);
        priced.put("items", List.of(item));

        assertThatThrownBy(() -> AvroJson.tree(schema, priced))
                .isInstanceOf(UnrepresentableValueException.class)
                .hasMessage("items[0].price<double> is a double (NaN): the audit's canonical JSON holds integers only");
    }

    @Test
    void tree_whenAStringIsNotUtf8() {
        GenericRecord record = record(null);
        record.put("id", new Utf8(new byte[] {'r', (byte) 0xff}));

        assertThatThrownBy(() -> AvroJson.tree(SCHEMA, record))
                .isInstanceOf(UnreadableValueException.class)
                .hasMessageContaining("id is a string whose bytes are not UTF-8");
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(SCHEMA, out);
        new GenericDatumWriter<GenericRecord>(SCHEMA).write(record, encoder);
        encoder.flush();
        return out.toString(StandardCharsets.UTF_8);
    }
}
