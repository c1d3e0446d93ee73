package dev.lapse.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The grant id of a request: the first 16 bytes of SHA-256("lapse/grant/" + requestId) in lower-case hex, 32
 * characters. The grant issuer derives it to make the one grant a request can yield; the revoker derives it back
 * instead of storing it for every active grant. One implementation for both, so they can never disagree.
 */
public final class GrantIds {

    private static final String PREFIX = "lapse/grant/";
    private static final HexFormat HEX = HexFormat.of();
    /** MessageDigest is not thread-safe and getInstance costs a provider lookup; one per thread avoids both. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(GrantIds::sha256);

    private GrantIds() {
    }

    /** The grant id derived from {@code requestId}. */
    public static String of(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        MessageDigest digest = SHA_256.get();
        digest.reset();
        byte[] hash = digest.digest((PREFIX + requestId).getBytes(StandardCharsets.UTF_8));
        return HEX.formatHex(hash, 0, 16);
    }

    /** Whether {@code grantId} is the one derived from {@code requestId}. */
    public static boolean isDerived(String grantId, String requestId) {
        return grantId.equals(of(requestId));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
