package dev.lapse.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ClaimTableTest {

    private static final String GUARDED = "lapse.access.submitted";
    private static final String ID = "0b6f3a52-7c1e-4d2a-9f3b-5e8d1c2a4b6f";

    private final ClaimTable table = new ClaimTable(GUARDED);

    @Test
    void put_ofAUuidByTheGuardedTopic_isItsOwnClaimantAndAnothersRefusal() {
        table.put(ID, GUARDED, 3, 41);

        assertThat(table.claimant(ID)).isEqualTo(GUARDED + "-3@41");
        assertThat(table.claimedByAnother(ID, GUARDED, 3, 41)).isFalse();
        assertThat(table.claimedByAnother(ID, GUARDED, 3, 42)).isTrue();
        assertThat(table.claimedByAnother(ID, GUARDED, 4, 41)).isTrue();
        assertThat(table.claimedByAnother(ID, "lapse.other", 3, 41)).isTrue();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void claimedByAnother_ofAnUnclaimedId_isFalse() {
        assertThat(table.claimedByAnother(ID, GUARDED, 0, 0)).isFalse();
        assertThat(table.claimedByAnother("req-1", GUARDED, 0, 0)).isFalse();
        assertThat(table.claimant(ID)).isNull();
    }

    @Test
    void idsThatAreNotCanonicalUuids_areOtherIds() {
        table.put(ID, GUARDED, 0, 1);

        // UUID.fromString would read these as the same UUID; as request ids they are different ones.
        assertThat(table.claimant(ID.toUpperCase())).isNull();
        assertThat(table.claimant("b6f3a52-7c1e-4d2a-9f3b-5e8d1c2a4b6f")).isNull();

        table.put(ID.toUpperCase(), GUARDED, 0, 2);
        table.put("req-1", GUARDED, 0, 3);
        assertThat(table.claimant(ID)).isEqualTo(GUARDED + "-0@1");
        assertThat(table.claimant(ID.toUpperCase())).isEqualTo(GUARDED + "-0@2");
        assertThat(table.claimedByAnother("req-1", GUARDED, 0, 3)).isFalse();
        assertThat(table.claimedByAnother("req-1", GUARDED, 0, 4)).isTrue();
        assertThat(table.size()).isEqualTo(3);
    }

    @Test
    void put_byARecordOfAnotherTopic_keepsItsSourceExactly() {
        table.put(ID, "lapse.access.approved", 70_000, 5);

        assertThat(table.claimant(ID)).isEqualTo("lapse.access.approved-70000@5");
        assertThat(table.claimedByAnother(ID, "lapse.access.approved", 70_000, 5)).isFalse();
        assertThat(table.claimedByAnother(ID, GUARDED, 70_000, 5)).isTrue();

        table.put(ID, GUARDED, 1, 9);
        assertThat(table.claimant(ID)).isEqualTo(GUARDED + "-1@9");
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void putSource_readsBackWhatPutWrote_andKeepsAnythingElseAsText() {
        table.putSource(ID, GUARDED + "-2@7");
        table.putSource("req-unknown", ClaimTable.UNKNOWN_SOURCE);
        table.putSource("req-odd", GUARDED + "-02@7");
        table.putSource("req-dashes", "my-topic-with-dashes-5@12");

        assertThat(table.claimant(ID)).isEqualTo(GUARDED + "-2@7");
        assertThat(table.claimedByAnother(ID, GUARDED, 2, 7)).isFalse();
        // A claim without its source is nobody's to repeat.
        assertThat(table.claimedByAnother("req-unknown", GUARDED, 0, 0)).isTrue();
        // Not a source this class writes: only a record printing the same text is its claimant, and none does.
        assertThat(table.claimant("req-odd")).isEqualTo(GUARDED + "-02@7");
        assertThat(table.claimedByAnother("req-odd", GUARDED, 2, 7)).isTrue();
        assertThat(table.claimedByAnother("req-dashes", "my-topic-with-dashes", 5, 12)).isFalse();
    }

    @Test
    void remove_forgetsTheClaim() {
        table.put(ID, GUARDED, 0, 1);
        table.put("req-1", GUARDED, 0, 2);

        table.remove(ID);
        table.remove("req-1");
        table.remove("never-claimed");

        assertThat(table.claimant(ID)).isNull();
        assertThat(table.claimant("req-1")).isNull();
        assertThat(table.size()).isZero();
    }

    @Test
    void manyClaimsAndRemovals_agreeWithAPlainMap() {
        Random random = new Random(42);
        Map<String, String> expected = new HashMap<>();
        String[] ids = new String[20_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = new UUID(random.nextLong(), random.nextLong()).toString();
        }
        for (int step = 0; step < 100_000; step++) {
            String id = ids[random.nextInt(ids.length)];
            if (random.nextInt(4) == 0) {
                table.remove(id);
                expected.remove(id);
            } else {
                int partition = random.nextInt(6);
                long offset = random.nextInt(1_000_000);
                table.put(id, GUARDED, partition, offset);
                expected.put(id, GUARDED + "-" + partition + "@" + offset);
            }
        }

        assertThat(table.size()).isEqualTo(expected.size());
        for (String id : ids) {
            assertThat(table.claimant(id)).as(id).isEqualTo(expected.get(id));
        }
    }
}
