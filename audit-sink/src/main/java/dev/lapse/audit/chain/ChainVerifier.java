package dev.lapse.audit.chain;

import org.jspecify.annotations.Nullable;

/**
 * Verifies the links of one chain from its genesis, in order: each must belong to the chain, follow the previous
 * offset, name the previous link's hash and carry the hash of its own content. Stops at the first link that does
 * not, and says what was expected there and what was found, as sigstore's verifiers do.
 *
 * <p>Use {@link #verify} for links at hand, or feed links one by one to {@link #accept} when reading them
 * incrementally. Not thread-safe.
 */
public final class ChainVerifier {

    private final HashChain chain;
    private long entries;
    private Verification.@Nullable Broken broken;

    /** A verifier for the chain of a topic-partition, expecting its first link next. */
    public ChainVerifier(String topic, int partition) {
        this.chain = HashChain.genesis(topic, partition);
    }

    /** Verifies links as the whole chain of a topic-partition, from the genesis. */
    public static Verification verify(String topic, int partition, Iterable<ChainLink> links) {
        ChainVerifier verifier = new ChainVerifier(topic, partition);
        for (ChainLink link : links) {
            if (!verifier.accept(link)) {
                break;
            }
        }
        return verifier.result();
    }

    /** Checks the next link; false when it breaks the chain or the chain broke before it. */
    public boolean accept(ChainLink link) {
        if (broken != null) {
            return false;
        }
        try {
            chain.advance(link);
            entries++;
            return true;
        } catch (DuplicateEntryException e) {
            fail(link.entry().offset(), "offset " + link.entry().offset() + " appears twice in a row");
        } catch (IllegalArgumentException e) {
            fail(link.entry().offset(), String.valueOf(e.getMessage()));
        }
        return false;
    }

    /** Records a break found outside the links, such as a line that cannot be read; the first break stands. */
    public void fail(long offset, String reason) {
        if (broken == null) {
            broken = new Verification.Broken(chain.id().topic(), chain.id().partition(), offset, reason);
        }
    }

    /** True once a link did not verify or {@link #fail} was called. */
    public boolean isBroken() {
        return broken != null;
    }

    /** The outcome so far: broken at the first break, else valid up to the last accepted link. */
    public Verification result() {
        if (broken != null) {
            return broken;
        }
        return new Verification.Valid(chain.id().topic(), chain.id().partition(), entries, chain.headHash());
    }
}
