package dev.lapse.audit.chain;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One link of a hash chain: an entry, the hash of the link before it (the genesis hash for the first link) and its
 * own hash, both as lowercase hex SHA-256. Making one proves nothing: {@link HashChain} computes links and
 * {@link ChainVerifier} checks them, so a link read back from a tampered file can still be held and reported.
 */
public record ChainLink(AuditEntry entry, String previousHash, String hash) {

    private static final Pattern SHA_256_HEX = Pattern.compile("[0-9a-f]{64}");

    public ChainLink {
        Objects.requireNonNull(entry, "entry");
        requireHash("previousHash", previousHash);
        requireHash("hash", hash);
    }

    static void requireHash(String name, String hash) {
        Objects.requireNonNull(hash, name);
        if (!SHA_256_HEX.matcher(hash).matches()) {
            throw new IllegalArgumentException(name + " must be a SHA-256 as 64 lowercase hex digits: '" + hash + "'");
        }
    }
}
