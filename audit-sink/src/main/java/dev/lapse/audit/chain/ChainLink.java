package dev.lapse.audit.chain;

import java.util.Objects;

/**
 * One link of a hash chain: an entry, the hash of the link before it (the genesis hash for the first link) and its
 * own hash, both as lowercase hex SHA-256. Making one proves nothing: {@link HashChain} computes links and
 * {@link ChainVerifier} checks them, so a link read back from a tampered file can still be held and reported.
 */
public record ChainLink(AuditEntry entry, String previousHash, String hash) {

    public ChainLink {
        Objects.requireNonNull(entry, "entry");
        requireHash("previousHash", previousHash);
        requireHash("hash", hash);
    }

    static void requireHash(String name, String hash) {
        Objects.requireNonNull(hash, name);
        if (!isSha256Hex(hash)) {
            throw new IllegalArgumentException(name + " must be a SHA-256 as 64 lowercase hex digits: '" + hash + "'");
        }
    }

    // 64 lowercase hex digits; a loop, since every audited record checks two of these.
    private static boolean isSha256Hex(String hash) {
        if (hash.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = hash.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
