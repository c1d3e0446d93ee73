package dev.lapse.audit.chain;

import java.util.Objects;

/** The outcome of verifying one chain: valid up to its head, or broken at the first link that does not check out. */
public sealed interface Verification permits Verification.Valid, Verification.Broken {

    String topic();

    int partition();

    /** True for {@link Valid}. */
    default boolean isValid() {
        return this instanceof Valid;
    }

    /**
     * Every link verified from the genesis.
     *
     * @param entries  how many links the chain holds
     * @param headHash hash of the last link, or the genesis hash of an empty chain; compare it with a head recorded
     *                 elsewhere to notice links cut off the end, which no chain can show by itself
     */
    record Valid(String topic, int partition, long entries, String headHash) implements Verification {
        public Valid {
            new ChainId(topic, partition);
            if (entries < 0) {
                throw new IllegalArgumentException("entries must not be negative: " + entries);
            }
            ChainLink.requireHash("headHash", headHash);
        }
    }

    /**
     * The chain breaks at an offset.
     *
     * @param offset offset of the first link that does not verify, or {@link #UNKNOWN_OFFSET} when the break is not
     *               at a readable entry (a line that cannot be parsed, say)
     * @param reason what did not match, with the value expected and the value found
     */
    record Broken(String topic, int partition, long offset, String reason) implements Verification {

        /** Offset of a break that is not at a readable entry. */
        public static final long UNKNOWN_OFFSET = -1;

        public Broken {
            new ChainId(topic, partition);
            if (offset < UNKNOWN_OFFSET) {
                throw new IllegalArgumentException("offset must be an offset or UNKNOWN_OFFSET: " + offset);
            }
            Objects.requireNonNull(reason, "reason");
        }
    }
}
