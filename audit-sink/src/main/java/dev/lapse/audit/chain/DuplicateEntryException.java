package dev.lapse.audit.chain;

/**
 * An entry repeats the head of its chain exactly: a redelivery of a record the chain already holds, which the caller
 * can acknowledge and skip. Any other entry that does not follow the head is refused with an
 * {@link IllegalArgumentException} instead.
 */
public final class DuplicateEntryException extends RuntimeException {

    private final ChainLink head;

    DuplicateEntryException(ChainLink head) {
        super("offset " + head.entry().offset() + " is already the head of chain " + head.entry().chainId()
                + ", with identical content: a redelivery");
        this.head = head;
    }

    /** The link the chain already holds for this entry. */
    public ChainLink head() {
        return head;
    }
}
