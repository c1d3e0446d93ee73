package dev.lapse.audit.chain;

import static dev.lapse.audit.chain.TestEntries.PARTITION;
import static dev.lapse.audit.chain.TestEntries.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {

    private final List<ChainLink> links = chain(0, 1, 2, 5, 6);

    @Test
    void verify_whenChainIsIntact() {
        assertThat(ChainVerifier.verify(TOPIC, PARTITION, links))
                .isEqualTo(new Verification.Valid(TOPIC, PARTITION, 5, links.get(4).hash()));
    }

    @Test
    void verify_whenChainIsEmpty() {
        assertThat(ChainVerifier.verify(TOPIC, PARTITION, List.of()))
                .isEqualTo(new Verification.Valid(TOPIC, PARTITION, 0, TestEntries.GENESIS_HASH));
    }

    @Test
    void verify_whenEntryTampered() {
        ChainLink original = links.get(2);
        AuditEntry tampered = TestEntries.entry(2, "req-2x");
        links.set(2, new ChainLink(tampered, original.previousHash(), original.hash()));

        Verification result = ChainVerifier.verify(TOPIC, PARTITION, links);

        assertThat(result).isInstanceOfSatisfying(Verification.Broken.class, broken -> {
            assertThat(broken.offset()).isEqualTo(2);
            assertThat(broken.reason()).endsWith("hash expected "
                    + HashChain.linkHash(original.previousHash(), tampered) + ", found " + original.hash());
        });
        assertThat(result.isValid()).isFalse();
    }

    @Test
    void verify_whenLinkRemoved() {
        ChainLink removed = links.remove(2);

        assertThat(ChainVerifier.verify(TOPIC, PARTITION, links))
                .isInstanceOfSatisfying(Verification.Broken.class, broken -> {
                    assertThat(broken.offset()).isEqualTo(5);
                    assertThat(broken.reason()).endsWith("previous hash expected " + links.get(1).hash()
                            + ", found " + removed.hash());
                });
    }

    @Test
    void verify_whenFirstLinkRemoved() {
        assertThat(ChainVerifier.verify(TOPIC, PARTITION, links.subList(1, links.size())))
                .isInstanceOfSatisfying(Verification.Broken.class, broken -> {
                    assertThat(broken.offset()).isEqualTo(1);
                    assertThat(broken.reason()).contains("previous hash expected " + TestEntries.GENESIS_HASH);
                });
    }

    @Test
    void verify_whenLinksSwapped() {
        links.add(3, links.remove(2)); // offsets 0, 1, 5, 2, 6

        assertThat(ChainVerifier.verify(TOPIC, PARTITION, links))
                .isInstanceOfSatisfying(Verification.Broken.class, broken -> {
                    assertThat(broken.offset()).isEqualTo(5);
                    assertThat(broken.reason()).contains("previous hash expected " + links.get(1).hash());
                });
    }

    @Test
    void verify_whenLinkRepeated() {
        links.add(3, links.get(2));

        assertThat(ChainVerifier.verify(TOPIC, PARTITION, links))
                .isEqualTo(new Verification.Broken(TOPIC, PARTITION, 2, "offset 2 appears twice in a row"));
    }

    @Test
    void verify_whenLinkBelongsToAnotherChain() {
        assertThat(ChainVerifier.verify(TOPIC, 4, links))
                .isEqualTo(new Verification.Broken(TOPIC, 4, 0,
                        "an entry of lapse.access.granted-3 does not belong to chain lapse.access.granted-4"));
    }

    @Test
    void verify_reportsOnlyTheFirstBreak() {
        links.set(3, new ChainLink(TestEntries.entry(5, "x"), links.get(3).previousHash(), links.get(3).hash()));
        links.set(1, new ChainLink(TestEntries.entry(1, "x"), links.get(1).previousHash(), links.get(1).hash()));

        assertThat(ChainVerifier.verify(TOPIC, PARTITION, links))
                .isInstanceOfSatisfying(Verification.Broken.class, broken -> assertThat(broken.offset()).isEqualTo(1));
    }

    @Test
    void fail_keepsTheFirstBreakAndRefusesLaterLinks() {
        ChainVerifier verifier = new ChainVerifier(TOPIC, PARTITION);
        assertThat(verifier.accept(links.get(0))).isTrue();

        verifier.fail(Verification.Broken.UNKNOWN_OFFSET, "line 2 cannot be read");
        verifier.fail(7, "later");

        assertThat(verifier.accept(links.get(1))).isFalse();
        assertThat(verifier.isBroken()).isTrue();
        assertThat(verifier.result()).isEqualTo(new Verification.Broken(TOPIC, PARTITION,
                Verification.Broken.UNKNOWN_OFFSET, "line 2 cannot be read"));
    }

    private static List<ChainLink> chain(long... offsets) {
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);
        return new ArrayList<>(TestEntries.entries(offsets).stream().map(chain::append).toList());
    }
}
