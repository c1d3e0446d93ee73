package dev.lapse.audit.chain;

import static dev.lapse.audit.chain.TestEntries.PARTITION;
import static dev.lapse.audit.chain.TestEntries.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HashChainTest {

    @Test
    void genesis_isPinnedAndStartsEmpty() {
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);

        assertThat(chain.headHash()).isEqualTo(TestEntries.GENESIS_HASH);
        assertThat(chain.head()).isEmpty();
        assertThat(chain.lastOffset()).isEmpty();
        assertThat(HashChain.genesisHash(TOPIC, PARTITION)).isEqualTo(TestEntries.GENESIS_HASH);
    }

    @Test
    void genesis_differsPerTopicAndPartition() {
        assertThat(List.of(HashChain.genesisHash(TOPIC, 3), HashChain.genesisHash(TOPIC, 4),
                        HashChain.genesisHash("lapse.access.denied", 3), HashChain.genesisHash(TOPIC + "-3", 3)))
                .doesNotHaveDuplicates();
    }

    @Test
    void genesis_whenTopicCouldBlurTheLabel() {
        // A topic holding "|" could make two topic-partitions spell the same genesis label; Kafka allows none.
        assertThatThrownBy(() -> HashChain.genesisHash("a|1", 2)).hasMessageContaining("legal Kafka topic name");
    }

    @Test
    void append_ofGoldenEntry_givesPinnedHash() {
        ChainLink link = HashChain.genesis(TOPIC, PARTITION).append(TestEntries.golden());

        assertThat(link.previousHash()).isEqualTo(TestEntries.GENESIS_HASH);
        assertThat(link.hash()).isEqualTo(TestEntries.GOLDEN_LINK_HASH);
    }

    @Test
    void append_ofGoldenUnreadableEntry_givesPinnedHash() {
        AuditEntry entry = TestEntries.goldenUnreadable();

        ChainLink link = HashChain.genesis(entry.topic(), entry.partition()).append(entry);

        assertThat(link.previousHash()).isEqualTo(TestEntries.DLT_GENESIS_HASH);
        assertThat(link.hash()).isEqualTo(TestEntries.GOLDEN_UNREADABLE_LINK_HASH);
    }

    @Test
    void linkHash_matchesTheWorkedExampleInTheJavadoc() {
        AuditEntry entry = new AuditEntry(TOPIC, 3, 0, 1001, TestEntries.text("r1"), List.of(), 7, "AccessGranted",
                "e1", "r1", "{\"eventId\":\"e1\",\"requestId\":\"r1\"}");

        assertThat(CanonicalJson.entry(entry)).hasSize(226);
        assertThat(HashChain.linkHash(HashChain.genesisHash(TOPIC, 3), entry))
                .isEqualTo("4a1272f3c7b0d2cff98baeb3e78f07b385923ae4761126accc371234933cd200");
    }

    @Test
    void append_linksEachEntryToThePreviousHash() {
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);

        ChainLink first = chain.append(TestEntries.entry(0, "r"));
        ChainLink second = chain.append(TestEntries.entry(1, "r"));

        assertThat(second.previousHash()).isEqualTo(first.hash());
        assertThat(second.hash()).isEqualTo(HashChain.linkHash(first.hash(), second.entry()));
        assertThat(chain.headHash()).isEqualTo(second.hash());
        assertThat(chain.head()).contains(second);
        assertThat(chain.lastOffset()).isEqualTo(OptionalLong.of(1));
    }

    @Test
    void append_allowsOffsetGaps() {
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);
        chain.append(TestEntries.entry(5, "r"));

        chain.append(TestEntries.entry(9, "r")); // 6 to 8 were transaction markers, say

        assertThat(chain.lastOffset()).isEqualTo(OptionalLong.of(9));
    }

    @Test
    void append_whenOffsetGoesBackwards() {
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);
        chain.append(TestEntries.entry(7, "r"));

        assertThatThrownBy(() -> chain.append(TestEntries.entry(6, "r")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset 6 does not come after offset 7, the head of lapse.access.granted-3: "
                        + "offsets must increase (gaps are fine)");
        assertThat(chain.lastOffset()).isEqualTo(OptionalLong.of(7));
    }

    @Test
    void append_whenOffsetRepeatsWithIdenticalEntry() {
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);
        ChainLink link = chain.append(TestEntries.entry(7, "r"));

        assertThatThrownBy(() -> chain.append(TestEntries.entry(7, "r")))
                .isInstanceOfSatisfying(DuplicateEntryException.class, e -> assertThat(e.head()).isEqualTo(link))
                .hasMessageContaining("offset 7 is already the head of chain lapse.access.granted-3");
        assertThat(chain.headHash()).isEqualTo(link.hash());
    }

    @Test
    void append_whenOffsetRepeatsWithDifferentContent() {
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);
        chain.append(TestEntries.entry(7, "r"));

        assertThatThrownBy(() -> chain.append(TestEntries.entry(7, "other")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whose content differs");
    }

    @Test
    void append_whenEntryBelongsToAnotherPartition() {
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);

        assertThatThrownBy(() -> chain.append(TestEntries.entry(TOPIC, 4, 0, "r")))
                .hasMessage("an entry of lapse.access.granted-4 does not belong to chain lapse.access.granted-3");
    }

    @Test
    void replay_intoFreshChain_givesIdenticalHashes() {
        List<AuditEntry> entries = TestEntries.entries(0, 1, 2, 5, 8, 13);
        HashChain original = HashChain.genesis(TOPIC, PARTITION);
        List<ChainLink> links = entries.stream().map(original::append).toList();

        HashChain replay = HashChain.genesis(TOPIC, PARTITION);

        assertThat(entries.stream().map(replay::append).toList()).isEqualTo(links);
        assertThat(replay.headHash()).isEqualTo(original.headHash());
    }

    @Test
    void next_leavesTheHeadAlone() {
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);

        ChainLink next = chain.next(TestEntries.entry(0, "r"));

        assertThat(chain.headHash()).isEqualTo(TestEntries.GENESIS_HASH);
        assertThat(chain.append(TestEntries.entry(0, "r"))).isEqualTo(next);
    }

    @Test
    void advance_whenLinkDoesNotFollowTheHead() {
        HashChain elsewhere = HashChain.genesis(TOPIC, PARTITION);
        ChainLink first = elsewhere.append(TestEntries.entry(0, "r"));
        ChainLink second = elsewhere.append(TestEntries.entry(1, "r"));
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);

        assertThatThrownBy(() -> chain.advance(second))
                .hasMessage("offset 1 does not follow the head of lapse.access.granted-3 (a link before it is missing,"
                        + " extra or out of order): previous hash expected " + TestEntries.GENESIS_HASH
                        + ", found " + first.hash());
    }

    @Test
    void advance_whenHashDoesNotMatchContent() {
        ChainLink link = HashChain.genesis(TOPIC, PARTITION).append(TestEntries.entry(0, "r"));
        ChainLink forged = new ChainLink(TestEntries.entry(0, "mallory"), link.previousHash(), link.hash());
        HashChain chain = HashChain.genesis(TOPIC, PARTITION);

        assertThatThrownBy(() -> chain.advance(forged))
                .hasMessage("offset 0 of lapse.access.granted-3 does not match its hash (its entry or hash was "
                        + "changed): hash expected " + HashChain.linkHash(link.previousHash(), forged.entry())
                        + ", found " + link.hash());
    }

    @Test
    void resume_continuesAsIfNeverStopped() {
        HashChain uninterrupted = HashChain.genesis(TOPIC, PARTITION);
        ChainLink first = uninterrupted.append(TestEntries.entry(0, "r"));
        ChainLink second = uninterrupted.append(TestEntries.entry(1, "r"));

        HashChain resumed = HashChain.resume(first);

        assertThat(resumed.id()).isEqualTo(new ChainId(TOPIC, PARTITION));
        assertThat(resumed.append(TestEntries.entry(1, "r"))).isEqualTo(second);
    }

    @Test
    void chainLink_whenHashIsNotLowercaseHex() {
        assertThatThrownBy(() -> new ChainLink(TestEntries.golden(), TestEntries.GENESIS_HASH.toUpperCase(),
                TestEntries.GOLDEN_LINK_HASH))
                .hasMessageStartingWith("previousHash must be a SHA-256 as 64 lowercase hex digits");
    }
}
