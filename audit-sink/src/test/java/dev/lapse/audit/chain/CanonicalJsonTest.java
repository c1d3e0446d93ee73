package dev.lapse.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonTest {

    @Test
    void canonicalize_sortsMembersByUtf16CodeUnits() {
        // RFC 8785 section 3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FB33, unlike by code point.
        assertThat(CanonicalJson.canonicalize(TestEntries.resource("jcs-sorting.json")))
                .isEqualTo(TestEntries.resource("jcs-sorting.canonical.json"));
    }

    @Test
    void canonicalize_escapesStringsMinimally() {
        // RFC 8785 section 3.2.2, without its non-integral numbers.
        assertThat(CanonicalJson.canonicalize(TestEntries.resource("jcs-escaping.json")))
                .isEqualTo(TestEntries.resource("jcs-escaping.canonical.json"));
    }

    @Test
    void entry_matchesGoldenForm() {
        assertThat(CanonicalJson.entry(TestEntries.golden()))
                .isEqualTo(TestEntries.resource("golden-entry.canonical.json"));
    }

    @Test
    void entry_ofAnUnreadableRecord_matchesGoldenForm() {
        assertThat(CanonicalJson.entry(TestEntries.goldenUnreadable()))
                .isEqualTo(TestEntries.resource("golden-unreadable.canonical.json"));
    }

    @Test
    void entry_writesNullsUnicodeAndEscapes() {
        AuditEntry entry = new AuditEntry("lapse.access.requested", 0, 7, -1, null,
                List.of(new AuditHeader("h\t1", new RecordBytes("\u00e9", null))), null, "AccessRequested",
                "\u00e9vt-\ud83d\ude00", "req\t\"2\"",
                "{\"note\":\"line\\u2028sep \\u0007 bell \\/ slash \u00f6\",\"zero\":-0,"
                        + "\"big\":12345678901234567890,\"nested\":{\"b\":[],\"a\":{}}}");

        assertThat(CanonicalJson.entry(entry)).isEqualTo("{\"eventId\":\"\u00e9vt-\ud83d\ude00\","
                + "\"eventType\":\"AccessRequested\",\"headers\":[{\"name\":\"h\\t1\",\"value\":{\"utf8\":\"\u00e9\"}}],"
                + "\"key\":null,\"offset\":7,\"partition\":0,"
                + "\"payload\":{\"big\":12345678901234567890,\"nested\":{\"a\":{},\"b\":[]},"
                + "\"note\":\"line\u2028sep \\u0007 bell / slash \u00f6\",\"zero\":0},"
                + "\"requestId\":\"req\\t\\\"2\\\"\",\"schemaId\":null,\"timestampMs\":-1,"
                + "\"topic\":\"lapse.access.requested\"}");
    }

    @Test
    void canonicalize_writesIntegersWithTheirExactDigits() {
        assertThat(CanonicalJson.canonicalize("[ 0, -0, 1, -1, 9007199254740993, -12345678901234567890123 ]"))
                .isEqualTo("[0,0,1,-1,9007199254740993,-12345678901234567890123]");
    }

    @Test
    void canonicalize_escapesEveryControlCharacter() {
        assertThat(CanonicalJson.write("\u0000\u0001\b\t\n\u000b\f\r\u001f \u007f"))
                .isEqualTo("\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \u007f\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "1.0", "1e3", "[-2E-1]", "{\"amount\":0.1}"})
    void parse_whenNumberIsNotAnInteger(String json) {
        assertThatThrownBy(() -> CanonicalJson.parse(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only integers are supported");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "{", "{\"a\":1,}", "[1 2]", "[1,]", "01", "{\"a\":1}x", "\"\\x\"", "'a'",
        "tru", "nul", "\"unterminated", "{a:1}", "\"\\u12\"", "\"\\u١٢٣٤\"", "\"raw\ttab\"", "-", "\ufeff{}"})
    void parse_whenTextIsNotJson(String json) {
        assertThatThrownBy(() -> CanonicalJson.parse(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid JSON at index ");
    }

    @Test
    void parse_whenMemberNameRepeats() {
        assertThatThrownBy(() -> CanonicalJson.parse("{\"a\":1,\"b\":2,\"a\":1}"))
                .hasMessage("invalid JSON at index 13: duplicate member name \"a\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\\ud800\"", "\"x\\udc00\"", "\"\\ude00\\ud83d\""})
    void parse_whenSurrogateIsUnpaired(String json) {
        assertThatThrownBy(() -> CanonicalJson.parse(json)).hasMessageContaining("unpaired surrogate");
    }

    @Test
    void parse_whenNestedTooDeep() {
        assertThatThrownBy(() -> CanonicalJson.parse("[".repeat(200) + "]".repeat(200)))
                .hasMessageContaining("nested deeper than 128 levels");
    }

    @Test
    void parse_returnsSortedUnmodifiableTree() {
        Object tree = CanonicalJson.parse(" {\"b\": [1, null, \"\\u00e9\"], \"a\": true} ");

        assertThat(tree).isInstanceOf(Map.class);
        Map<?, ?> members = (Map<?, ?>) tree;
        assertThat(List.copyOf(members.keySet())).isEqualTo(List.of("a", "b"));
        assertThat(members.get("a")).isEqualTo(Boolean.TRUE);
        assertThat(members.get("b")).isEqualTo(Arrays.asList(BigInteger.ONE, null, "\u00e9"));
        assertThatThrownBy(() -> members.clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void write_sortsAnyMapAndWritesJavaIntegers() {
        Map<Object, Object> members = new LinkedHashMap<>();
        members.put("z", Arrays.asList(1, 2L, BigInteger.TEN, null));
        members.put("a", Map.of("y", false, "x", "\u20ac"));

        assertThat(CanonicalJson.write(members))
                .isEqualTo("{\"a\":{\"x\":\"\u20ac\",\"y\":false},\"z\":[1,2,10,null]}");
    }

    @Test
    void writer_writesWhatWriteWritesForTheSameValue() {
        String streamed = new CanonicalJson.Writer().beginObject()
                .name("a").beginObject().name("x").value("\u20ac\"\n").name("y").value(false).endObject()
                .name("e").beginArray().endArray()
                .name("o").beginObject().endObject()
                .name("z").beginArray().value(1).value(-2L).nullValue().beginArray().value("q").endArray().endArray()
                .endObject().finish();

        Map<Object, Object> members = new LinkedHashMap<>();
        members.put("z", Arrays.asList(1, -2L, null, List.of("q")));
        members.put("o", Map.of());
        members.put("e", List.of());
        members.put("a", Map.of("y", false, "x", "\u20ac\"\n"));
        assertThat(streamed).isEqualTo(CanonicalJson.write(members));
        assertThat(new CanonicalJson.Writer().value("only").finish()).isEqualTo("\"only\"");
    }

    @Test
    void writer_refusesMembersOutOfOrderOrTwice_andIncompleteValues() {
        assertThatThrownBy(() -> new CanonicalJson.Writer().beginObject().name("b").value(1).name("a"))
                .hasMessage("member \"a\" comes after \"b\": canonical JSON names each member once, in order");
        assertThatThrownBy(() -> new CanonicalJson.Writer().beginObject().name("a").value(1).name("a"))
                .hasMessageContaining("names each member once");
        assertThatThrownBy(() -> new CanonicalJson.Writer().beginObject().value(1))
                .hasMessage("a member's value needs its name first");
        assertThatThrownBy(() -> new CanonicalJson.Writer().beginObject().name("a").endObject())
                .hasMessage("no object whose members are complete to end");
        assertThatThrownBy(() -> new CanonicalJson.Writer().beginArray().endObject())
                .hasMessage("no object whose members are complete to end");
        assertThatThrownBy(() -> new CanonicalJson.Writer().beginArray().finish())
                .hasMessage("the value is not complete");
        assertThatThrownBy(() -> new CanonicalJson.Writer().value(1).value(2))
                .hasMessage("a writer writes one value");
        assertThatThrownBy(() -> new CanonicalJson.Writer().value("\ud800"))
                .hasMessageContaining("unpaired surrogate U+D800");
    }

    @Test
    void write_whenValueIsNotCanonicalJson() {
        assertThatThrownBy(() -> CanonicalJson.write(1.5)).hasMessageContaining("cannot write java.lang.Double");
        assertThatThrownBy(() -> CanonicalJson.write(Map.of(1, "one"))).hasMessageContaining("member names");
        assertThatThrownBy(() -> CanonicalJson.write("\ud800")).hasMessageContaining("unpaired surrogate U+D800");
    }

    @Test
    void toEntry_readsBackWhatEntryWrote() {
        for (AuditEntry entry : List.of(TestEntries.golden(), TestEntries.goldenUnreadable())) {
            assertThat(CanonicalJson.toEntry((Map<?, ?>) CanonicalJson.parse(CanonicalJson.entry(entry))))
                    .isEqualTo(entry);
        }
    }

    @Test
    void toEntry_whenAHeaderHasOtherMembers() {
        Map<Object, Object> members = new LinkedHashMap<>(
                (Map<?, ?>) CanonicalJson.parse(CanonicalJson.entry(TestEntries.goldenUnreadable())));
        members.put("headers", List.of(Map.of("name", "h", "value", Map.of("utf8", "v"), "extra", true)));

        assertThatThrownBy(() -> CanonicalJson.toEntry(members))
                .hasMessageStartingWith("a header is an object with exactly the members name and value");
    }

    @Test
    void toEntry_whenKeyIsNotRecordBytes() {
        Map<Object, Object> members = new LinkedHashMap<>(
                (Map<?, ?>) CanonicalJson.parse(CanonicalJson.entry(TestEntries.golden())));
        members.put("key", "req-0001");

        assertThatThrownBy(() -> CanonicalJson.toEntry(members))
                .hasMessage("key must be null, {\"utf8\":...} or {\"base64\":...}, found req-0001");
    }

    @Test
    void toEntry_whenWrittenInTheFirstFormat_saysSo() {
        Map<?, ?> members = (Map<?, ?>) CanonicalJson.parse("{\"eventId\":\"e1\",\"eventType\":\"AccessGranted\","
                + "\"key\":\"r1\",\"occurredAtMs\":1000,\"offset\":0,\"partition\":3,\"payload\":{},"
                + "\"requestId\":\"r1\",\"timestampMs\":1001,\"topic\":\"lapse.access.granted\"}");

        assertThatThrownBy(() -> CanonicalJson.toEntry(members))
                .hasMessageContaining("written by an older audit-sink")
                .hasMessageContaining("move the directory aside");
    }

    @Test
    void toEntry_whenMembersDiffer() {
        Map<Object, Object> members = new LinkedHashMap<>(
                (Map<?, ?>) CanonicalJson.parse(CanonicalJson.entry(TestEntries.golden())));
        members.put("signature", "trust me");

        assertThatThrownBy(() -> CanonicalJson.toEntry(members))
                .hasMessageContaining("an entry has exactly the members")
                .hasMessageContaining("signature");
    }

    @Test
    void toEntry_whenMemberHasWrongType() {
        Map<Object, Object> members = new LinkedHashMap<>(
                (Map<?, ?>) CanonicalJson.parse(CanonicalJson.entry(TestEntries.golden())));
        members.put("offset", "42");

        assertThatThrownBy(() -> CanonicalJson.toEntry(members))
                .hasMessage("offset must be an integer within a long, found 42");
    }
}
