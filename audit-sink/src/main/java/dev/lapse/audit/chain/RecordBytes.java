package dev.lapse.audit.chain;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of a Kafka record's key or of a header value, kept exactly: as their text when they are valid UTF-8 (the
 * usual case: Lapse's keys are request ids), else as Base64. In canonical JSON {@code {"utf8":"r1"}} or
 * {@code {"base64":"/w=="}}: the member name says which, so a text that looks like Base64 is never taken for it.
 * Each byte string has exactly one form (Base64 only for bytes that are not UTF-8), so equal bytes hash equally.
 *
 * @param utf8   the bytes decoded as UTF-8, or null when they are not valid UTF-8
 * @param base64 the bytes in standard Base64 with padding, or null when {@code utf8} holds them
 */
public record RecordBytes(@Nullable String utf8, @Nullable String base64) {

    public RecordBytes {
        if ((utf8 == null) == (base64 == null)) {
            throw new IllegalArgumentException("record bytes are either utf8 or base64, exactly one of them");
        }
        if (utf8 != null) {
            CanonicalJson.requireWellFormed("utf8", utf8);
        } else {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("base64 is not Base64: " + e.getMessage(), e);
            }
            if (!Base64.getEncoder().encodeToString(bytes).equals(base64)) {
                throw new IllegalArgumentException("base64 must be standard Base64 with padding: " + base64);
            }
            if (decodeUtf8(bytes) != null) {
                throw new IllegalArgumentException("base64 holds valid UTF-8, which is kept as utf8: " + base64);
            }
        }
    }

    /** The form of some bytes: utf8 when they decode strictly as UTF-8, else base64. */
    public static RecordBytes of(byte[] bytes) {
        String text = decodeUtf8(bytes);
        return text != null ? new RecordBytes(text, null)
                : new RecordBytes(null, Base64.getEncoder().encodeToString(bytes));
    }

    /** The text, when the bytes are UTF-8. */
    public Optional<String> text() {
        return Optional.ofNullable(utf8);
    }

    /** The bytes themselves. */
    public byte[] bytes() {
        return utf8 != null ? utf8.getBytes(StandardCharsets.UTF_8) : Base64.getDecoder().decode(base64);
    }

    // Strict: malformed sequences, overlong forms and encoded surrogates are refused rather than replaced with
    // U+FFFD, which would make different bytes look alike.
    private static @Nullable String decodeUtf8(byte[] bytes) {
        // Keys and header values are mostly ASCII (request ids, event ids), which is UTF-8 as it stands: a decoder
        // made for each of them was a measurable share of the sink's allocations.
        boolean ascii = true;
        for (int i = 0; i < bytes.length && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
