package dev.lapse.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordBytesTest {

    @Test
    void of_whenBytesAreUtf8_keepsTheText() {
        RecordBytes bytes = RecordBytes.of("r\u00e9q-\ud83d\ude00".getBytes(StandardCharsets.UTF_8));

        assertThat(bytes).isEqualTo(new RecordBytes("r\u00e9q-\ud83d\ude00", null));
        assertThat(bytes.text()).contains("r\u00e9q-\ud83d\ude00");
    }

    @Test
    void of_whenBytesAreEmpty_keepsAnEmptyText() {
        assertThat(RecordBytes.of(new byte[0])).isEqualTo(new RecordBytes("", null));
    }

    @Test
    void of_whenBytesAreNotUtf8_keepsBase64() {
        // A lone continuation byte, an overlong "/" and an encoded surrogate: a lenient decoder would make each U+FFFD.
        for (byte[] raw : new byte[][] {{(byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}}) {
            RecordBytes bytes = RecordBytes.of(raw);

            assertThat(bytes.utf8()).isNull();
            assertThat(bytes.text()).isEmpty();
            assertThat(bytes.bytes()).isEqualTo(raw);
        }
        assertThat(RecordBytes.of(new byte[] {0, (byte) 0xff}).base64()).isEqualTo("AP8=");
    }

    @Test
    void new_whenBothOrNeither() {
        assertThatThrownBy(() -> new RecordBytes("a", "YQ==")).hasMessageContaining("exactly one of them");
        assertThatThrownBy(() -> new RecordBytes(null, null)).hasMessageContaining("exactly one of them");
    }

    @Test
    void new_whenBase64HoldsUtf8_refusesTheSecondSpelling() {
        assertThatThrownBy(() -> new RecordBytes(null, "YQ=="))
                .hasMessage("base64 holds valid UTF-8, which is kept as utf8: YQ==");
    }

    @Test
    void new_whenBase64IsNotCanonical() {
        assertThatThrownBy(() -> new RecordBytes(null, "AP8")).hasMessageContaining("standard Base64 with padding");
        assertThatThrownBy(() -> new RecordBytes(null, "A*8=")).hasMessageStartingWith("base64 is not Base64");
    }
}
