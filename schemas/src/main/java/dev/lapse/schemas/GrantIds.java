package dev.lapse.schemas;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
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

    private static final byte[] PREFIX_BYTES = "lapse/grant/".getBytes(StandardCharsets.UTF_8);
    /** A grant id is the first half of the hash: 16 bytes, 32 hex digits. */
    private static final int ID_BYTES = 16;
    private static final HexFormat HEX = HexFormat.of();
    /** MessageDigest is not thread-safe and getInstance costs a provider lookup; one per thread avoids both. */
    private static final ThreadLocal<Sha256> SHA_256 = ThreadLocal.withInitial(Sha256::new);

    private GrantIds() {
    }

    /** The grant id derived from {@code requestId}. */
    public static String of(String requestId) {
        return HEX.formatHex(hash(requestId), 0, ID_BYTES);
    }

    /** Whether {@code grantId} has the form of a grant id: 32 lower-case hex digits. */
    public static boolean isWellFormed(String grantId) {
        if (grantId.length() != 2 * ID_BYTES) {
            return false;
        }
        for (int i = 0; i < grantId.length(); i++) {
            if (lowerHexDigit(grantId.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code grantId} is the one derived from {@code requestId}; compares the hash with the hex digits
     * directly, because the revoker asks this for every grant it restores.
     */
    public static boolean isDerived(String grantId, String requestId) {
        Objects.requireNonNull(grantId, "grantId");
        if (grantId.length() != 2 * ID_BYTES) {
            return false;
        }
        byte[] hash = hash(requestId);
        for (int i = 0; i < ID_BYTES; i++) {
            int high = lowerHexDigit(grantId.charAt(2 * i));
            int low = lowerHexDigit(grantId.charAt(2 * i + 1));
            if (high < 0 || low < 0 || (byte) (high << 4 | low) != hash[i]) {
                return false;
            }
        }
        return true;
    }

    /** The hash of the request, in a buffer of the calling thread that the next call overwrites. */
    private static byte[] hash(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        Sha256 sha = SHA_256.get();
        // digest() leaves the MessageDigest reset, so each call starts clean without a reset of its own.
        sha.digest.update(PREFIX_BYTES);
        sha.digest.update(requestId.getBytes(StandardCharsets.UTF_8));
        try {
            sha.digest.digest(sha.hash, 0, sha.hash.length);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-256 hash is 32 bytes", e);
        }
        return sha.hash;
    }

    private static int lowerHexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }

    /** A thread's SHA-256 and the buffer its hashes are written to. */
    private static final class Sha256 {
        final MessageDigest digest;
        final byte[] hash = new byte[32];

        Sha256() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
            }
        }
    }
}
