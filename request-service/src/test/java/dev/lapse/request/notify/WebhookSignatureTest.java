package dev.lapse.request.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.request.notify.WebhookSignature.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final byte[] SECRET = "whsec_test_0123456789".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
    private static final long T = 1_700_000_000L;
    private static final Duration TOLERANCE = Duration.ofMinutes(5);
    private final WebhookSignature signature = new WebhookSignature(SECRET);

    @Test
    void sign_whenWorkedExample_matchesAnIndependentHmac() {
        // Python: hmac.new(b'whsec_test_0123456789', b'1700000000.{"id":"1"}', hashlib.sha256).hexdigest()
        assertThat(signature.sign(T, BODY))
                .isEqualTo("t=1700000000,v1=c47f39c933c54240c2b69fbb1107b785de7596007e23456e54064655eab64b7a");
    }

    @Test
    void verify_whenSignedAndRecent_isValid() {
        assertThat(signature.verify(signature.sign(T, BODY), BODY, T + 299, TOLERANCE)).isEqualTo(Verification.VALID);
        assertThat(signature.verify(signature.sign(T, BODY), BODY, T - 299, TOLERANCE)).isEqualTo(Verification.VALID);
    }

    @Test
    void verify_whenBodyTamperedWith_isMismatch() {
        byte[] tampered = "{\"id\":\"2\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(signature.verify(signature.sign(T, BODY), tampered, T, TOLERANCE))
                .isEqualTo(Verification.MISMATCH);
    }

    @Test
    void verify_whenTimestampTamperedWith_isMismatch() {
        String header = signature.sign(T, BODY).replace("t=" + T, "t=" + (T + 60));

        assertThat(signature.verify(header, BODY, T + 60, TOLERANCE)).isEqualTo(Verification.MISMATCH);
    }

    @Test
    void verify_whenSignedWithAnotherSecret_isMismatch() {
        WebhookSignature other = new WebhookSignature("another-secret-of-24-byte".getBytes(StandardCharsets.UTF_8));

        assertThat(signature.verify(other.sign(T, BODY), BODY, T, TOLERANCE)).isEqualTo(Verification.MISMATCH);
    }

    @Test
    void verify_whenTimestampOutsideTolerance_isStale() {
        String header = signature.sign(T, BODY);

        assertThat(signature.verify(header, BODY, T + 301, TOLERANCE)).isEqualTo(Verification.STALE);
        assertThat(signature.verify(header, BODY, T - 301, TOLERANCE)).isEqualTo(Verification.STALE);
    }

    @Test
    void verify_whenOneOfSeveralSignaturesMatches_isValid() {
        String header = "t=" + T + ",v1=" + "0".repeat(64) + ","
                + signature.sign(T, BODY).substring(("t=" + T + ",").length()) + ",v0=legacy";

        assertThat(signature.verify(header, BODY, T, TOLERANCE)).isEqualTo(Verification.VALID);
    }

    @Test
    void verify_whenUpperCaseHex_isValid() {
        assertThat(signature.verify(signature.sign(T, BODY).toUpperCase().replace("T=", "t=").replace("V1=", "v1="),
                BODY, T, TOLERANCE)).isEqualTo(Verification.VALID);
    }

    @Test
    void verify_whenMalformed_saysSo() {
        String v1 = signature.sign(T, BODY).substring(("t=" + T + ",").length());
        for (String header : new String[] {"", "garbage", "t=" + T, v1, "t=abc," + v1, "t=" + T + ",v1=xyz",
            "t=" + T + ",t=" + T + "," + v1}) {
            assertThat(signature.verify(header, BODY, T, TOLERANCE)).as(header).isEqualTo(Verification.MALFORMED);
        }
    }

    @Test
    void new_whenSecretTooShort_refuses() {
        assertThatThrownBy(() -> new WebhookSignature(new byte[15]))
                .hasMessage("a webhook secret must have at least 16 bytes, got 15");
    }

    @Test
    void toString_neverShowsTheSecret() {
        assertThat(signature.toString()).doesNotContain("whsec");
    }
}
