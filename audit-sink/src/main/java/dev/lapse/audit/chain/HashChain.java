package dev.lapse.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The hash chain of one Kafka topic-partition: each appended entry is hashed together with the hash before it, so
 * changing, removing or reordering any entry changes every hash from there on.
 *
 * <h2>Hashes</h2>
 * <pre>
 * genesis = SHA-256(0x01 || UTF-8("lapse-audit/v1|" + topic + "|" + partition))
 * link    = SHA-256(0x00 || previous hash as 32 bytes || UTF-8(canonical JSON of the entry))
 * </pre>
 * with the canonical JSON of {@link CanonicalJson#entry}; the first link's previous hash is the genesis hash. The
 * first byte separates the two domains, as RFC 6962 does for leaves and nodes: no input is hashed in both, so a
 * chain's starting hash can never pass as a link's hash nor the other way round. Topic and partition enter through
 * the genesis (and every entry), so a chain moved to another partition does not verify; and nothing but the records
 * enters at all, so replaying a partition from offset 0 gives byte-identical hashes.
 *
 * <h2>Worked example</h2>
 * For partition 3 of {@code lapse.access.granted} the genesis is SHA-256 of the byte 0x01 followed by
 * {@code lapse-audit/v1|lapse.access.granted|3}:
 * {@code 3b32db1d4a3eb9df14dfcdc5f8a722ff4f6ac4e77909b15dc2e1e0dcbc097a89}. An entry at offset 0 whose canonical
 * JSON is
 * <pre>{@code
 * {"eventId":"e1","eventType":"AccessGranted","headers":[],"key":{"utf8":"r1"},"offset":0,"partition":3,
 *  "payload":{"eventId":"e1","requestId":"r1"},"requestId":"r1","schemaId":7,"timestampMs":1001,
 *  "topic":"lapse.access.granted"}
 * }</pre>
 * (one line, 226 bytes) links as SHA-256 of 0x00, the 32 genesis bytes and those 226 bytes:
 * {@code 4a1272f3c7b0d2cff98baeb3e78f07b385923ae4761126accc371234933cd200}.
 *
 * <h2>Order</h2>
 * Offsets must increase, with gaps allowed: transaction markers take offsets no record gets. An entry that repeats the
 * head exactly is a redelivery, refused with {@link DuplicateEntryException} so the caller can skip it; any other
 * entry that does not follow the head is refused with {@link IllegalArgumentException}. Only the head is kept, so an
 * older redelivery looks like going backwards: a consumer resuming a partition should seek to {@link #lastOffset()}
 * plus one. Not thread-safe.
 */
public final class HashChain {

    private static final String GENESIS_LABEL = "lapse-audit/v1|";
    private static final byte LINK_DOMAIN = 0x00;
    private static final byte GENESIS_DOMAIN = 0x01;
    private static final HexFormat HEX = HexFormat.of();
    // A clone of one digest rather than a provider lookup per link: every audited record makes a link.
    private static final MessageDigest SHA_256 = newSha256();

    private final ChainId id;
    private String headHash;
    private @Nullable ChainLink head;

    private HashChain(ChainId id, String headHash, @Nullable ChainLink head) {
        this.id = id;
        this.headHash = headHash;
        this.head = head;
    }

    /** A new, empty chain of a topic-partition, headed by its genesis hash. */
    public static HashChain genesis(String topic, int partition) {
        return new HashChain(new ChainId(topic, partition), genesisHash(topic, partition), null);
    }

    /** Continues a chain from its last link, which the caller verified (as a log file does by replaying itself). */
    public static HashChain resume(ChainLink head) {
        return new HashChain(head.entry().chainId(), head.hash(), head);
    }

    /** The hash every chain of a topic-partition starts from. */
    public static String genesisHash(String topic, int partition) {
        ChainId id = new ChainId(topic, partition);
        MessageDigest sha256 = sha256();
        sha256.update(GENESIS_DOMAIN);
        sha256.update((GENESIS_LABEL + id.topic() + "|" + id.partition()).getBytes(StandardCharsets.UTF_8));
        return HEX.formatHex(sha256.digest());
    }

    /** The hash of the link that puts an entry after a link hashed previousHash. */
    public static String linkHash(String previousHash, AuditEntry entry) {
        ChainLink.requireHash("previousHash", previousHash);
        return hashAfter(previousHash, entry);
    }

    // The chain's own head hash was checked when it became the head (a link's, or the genesis hash computed here), so
    // next() does not check it a third time: every audited record comes through here.
    private static String hashAfter(String previousHash, AuditEntry entry) {
        MessageDigest sha256 = sha256();
        sha256.update(LINK_DOMAIN);
        sha256.update(HEX.parseHex(previousHash));
        sha256.update(CanonicalJson.entryBytes(entry));
        return HEX.formatHex(sha256.digest());
    }

    public ChainId id() {
        return id;
    }

    /** Hash of the last link, or the genesis hash while the chain is empty. */
    public String headHash() {
        return headHash;
    }

    /** The last link, empty while the chain is. */
    public Optional<ChainLink> head() {
        return Optional.ofNullable(head);
    }

    /** Offset of the last link, empty while the chain is. */
    public OptionalLong lastOffset() {
        return head == null ? OptionalLong.empty() : OptionalLong.of(head.entry().offset());
    }

    /**
     * The link an entry would get as the next one, leaving the chain as it is.
     *
     * @throws DuplicateEntryException if the entry is the head's, unchanged
     * @throws IllegalArgumentException if the entry is of another chain or does not come after the head
     */
    public ChainLink next(AuditEntry entry) {
        if (!entry.chainId().equals(id)) {
            throw new IllegalArgumentException("an entry of " + entry.chainId() + " does not belong to chain " + id);
        }
        if (head != null) {
            long last = head.entry().offset();
            if (entry.offset() == last && entry.equals(head.entry())) {
                throw new DuplicateEntryException(head);
            }
            if (entry.offset() <= last) {
                throw new IllegalArgumentException("offset " + entry.offset() + " does not come after offset " + last
                        + ", the head of " + id + (entry.offset() == last ? ", whose content differs" : "")
                        + ": offsets must increase (gaps are fine)");
            }
        }
        return new ChainLink(entry, headHash, hashAfter(headHash, entry));
    }

    /** Appends an entry and returns its link, which becomes the head; refuses what {@link #next} refuses. */
    public ChainLink append(AuditEntry entry) {
        ChainLink link = next(entry);
        moveTo(link);
        return link;
    }

    /**
     * Appends a link computed elsewhere, such as one read back from a file. It must be exactly the link {@link #next}
     * gives for its entry, otherwise the exception says which hash differs, expected and found.
     */
    public void advance(ChainLink link) {
        ChainLink expected = next(link.entry());
        long offset = link.entry().offset();
        if (!link.previousHash().equals(expected.previousHash())) {
            throw new IllegalArgumentException(String.format("offset %d does not follow the head of %s (a link "
                            + "before it is missing, extra or out of order): previous hash expected %s, found %s",
                    offset, id, expected.previousHash(), link.previousHash()));
        }
        if (!link.hash().equals(expected.hash())) {
            throw new IllegalArgumentException(String.format("offset %d of %s does not match its hash "
                            + "(its entry or hash was changed): hash expected %s, found %s",
                    offset, id, expected.hash(), link.hash()));
        }
        moveTo(link);
    }

    private void moveTo(ChainLink link) {
        head = link;
        headHash = link.hash();
    }

    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
