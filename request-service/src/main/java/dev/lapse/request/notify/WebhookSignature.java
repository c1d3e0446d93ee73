package dev.lapse.request.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature a webhook request carries in its {@value #HEADER} header, in Stripe's scheme:
 * {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}. Signing the timestamp with the body lets
 * a receiver refuse a replayed request: {@link #verify} accepts only a timestamp within a tolerance of its clock.
 * A receiver that rotates secrets may see several {@code v1} entries; one match suffices.
 *
 * <p>Worked example (a test pins it): secret {@code whsec_test_0123456789}, {@code t = 1700000000}, body
 * {@code {"id":"1"}} signs the bytes {@code 1700000000.{"id":"1"}}.
 *
 * <p>Thread-safe: the secret is never changed and each call makes its own {@link Mac}.
 */
public final class WebhookSignature {

    /** Name of the HTTP header. */
    public static final String HEADER = "Lapse-Signature";
    /** Fewer secret bytes than this are refused: HMAC-SHA256 is only as strong as its key. */
    public static final int MIN_SECRET_BYTES = 16;

    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] secret;

    /** A signer and verifier for {@code secret}, which must have at least {@value #MIN_SECRET_BYTES} bytes. */
    public WebhookSignature(byte[] secret) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("a webhook secret must have at least " + MIN_SECRET_BYTES
                    + " bytes, got " + secret.length);
        }
        this.secret = secret.clone();
    }

    /** The header value for {@code body} sent at {@code timestampSeconds} (Unix time). */
    public String sign(long timestampSeconds, byte[] body) {
        return "t=" + timestampSeconds + ",v1=" + HEX.formatHex(mac(timestampSeconds, body));
    }

    /**
     * Checks a received header against the body as received (bytes, before any JSON parsing) and the receiver's
     * clock. The signature is compared in constant time.
     *
     * @param header the {@value #HEADER} header's value
     * @param body the raw request body
     * @param nowSeconds the receiver's Unix time
     * @param tolerance how far the header's timestamp may be from {@code nowSeconds}, either way
     */
    public Verification verify(String header, byte[] body, long nowSeconds, Duration tolerance) {
        Long timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int equals = part.indexOf('=');
            if (equals < 0) {
                return Verification.MALFORMED;
            }
            String key = part.substring(0, equals).trim();
            String value = part.substring(equals + 1).trim();
            if (key.equals("t")) {
                if (timestamp != null || !value.matches("[0-9]{1,18}")) {
                    return Verification.MALFORMED;
                }
                timestamp = Long.parseLong(value);
            } else if (key.equals("v1")) {
                if (!value.matches("[0-9a-fA-F]{64}")) {
                    return Verification.MALFORMED;
                }
                signatures.add(HEX.parseHex(value.toLowerCase(Locale.ROOT)));
            }
            // Other schemes (v0, a future v2) are skipped, as Stripe's receivers do.
        }
        if (timestamp == null || signatures.isEmpty()) {
            return Verification.MALFORMED;
        }
        byte[] expected = mac(timestamp, body);
        boolean matches = false;
        for (byte[] signature : signatures) {
            // No early exit: the time taken says nothing about which entry matched.
            matches |= MessageDigest.isEqual(expected, signature);
        }
        if (!matches) {
            return Verification.MISMATCH;
        }
        return Math.abs(nowSeconds - timestamp) > tolerance.toSeconds() ? Verification.STALE : Verification.VALID;
    }

    private byte[] mac(long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Never the secret: this object ends up in logs and exception messages. */
    @Override
    public String toString() {
        return "WebhookSignature[secret hidden]";
    }

    /** What {@link #verify} found. */
    public enum Verification {
        /** Signed with this secret, and recent. */
        VALID,
        /** Not a {@code t=...,v1=...} header. */
        MALFORMED,
        /** No {@code v1} entry is this body signed with this secret at that timestamp: forged or tampered with. */
        MISMATCH,
        /** Genuine, but its timestamp is outside the tolerance: possibly a replay. */
        STALE
    }
}
