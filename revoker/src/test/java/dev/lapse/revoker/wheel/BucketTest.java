package dev.lapse.revoker.wheel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The linked list and expiration bookkeeping underneath every wheel slot. */
class BucketTest {

    private final Bucket<String> bucket = new Bucket<>();

    private static WheelEntry<String> entry(String key, long expiresAtMs) {
        return new WheelEntry<>(key, expiresAtMs, "payload-" + key, 0);
    }

    private List<String> drain() {
        List<String> keys = new ArrayList<>();
        for (WheelEntry<String> e = bucket.pollFirst(); e != null; e = bucket.pollFirst()) {
            assertThat(e.bucket).isNull();
            keys.add(e.key);
        }
        return keys;
    }

    @Test
    void pollFirst_returnsEntriesInInsertionOrder() {
        bucket.add(entry("a", 1));
        bucket.add(entry("b", 2));
        bucket.add(entry("c", 3));

        assertThat(drain()).containsExactly("a", "b", "c");
        assertThat(bucket.isEmpty()).isTrue();
        assertThat(bucket.pollFirst()).isNull();
    }

    @Test
    void remove_whenEntryInMiddle_relinksNeighbours() {
        WheelEntry<String> b = entry("b", 2);
        bucket.add(entry("a", 1));
        bucket.add(b);
        bucket.add(entry("c", 3));

        bucket.remove(b);

        assertThat(b.bucket).isNull();
        assertThat(b.prev).isSameAs(b);
        assertThat(b.next).isSameAs(b);
        assertThat(drain()).containsExactly("a", "c");
    }

    @Test
    void remove_whenOnlyEntry_leavesBucketEmpty() {
        WheelEntry<String> a = entry("a", 1);
        bucket.add(a);

        a.unlink();

        assertThat(bucket.isEmpty()).isTrue();
    }

    @Test
    void remove_whenEntryHeldByAnotherBucket_isNoOp() {
        Bucket<String> other = new Bucket<>();
        WheelEntry<String> a = entry("a", 1);
        other.add(a);
        bucket.add(entry("b", 2));

        bucket.remove(a);

        assertThat(a.bucket).isSameAs(other);
        assertThat(drain()).containsExactly("b");
        assertThat(other.pollFirst()).isSameAs(a);
    }

    @Test
    void add_whenEntryAlreadyHeld_throws() {
        WheelEntry<String> a = entry("a", 1);
        bucket.add(a);

        assertThatIllegalStateException().isThrownBy(() -> new Bucket<String>().add(a))
                .withMessageContaining("already held");
    }

    @Test
    void setExpirationMs_reportsChangeOnlyOnce() {
        assertThat(bucket.expirationMs()).isEqualTo(Bucket.NO_EXPIRATION);
        assertThat(bucket.setExpirationMs(1200)).isTrue();
        assertThat(bucket.setExpirationMs(1200)).isFalse();

        bucket.clearExpiration();

        assertThat(bucket.setExpirationMs(1250)).isTrue();
        assertThat(bucket.expirationMs()).isEqualTo(1250);
    }

    @Test
    void setExpirationMs_whenReusedBeforeClear_throws() {
        bucket.setExpirationMs(1200);

        assertThatIllegalStateException().isThrownBy(() -> bucket.setExpirationMs(1250))
                .withMessage("bucket for 1200 reused for 1250 before it was flushed");
    }

    @Test
    void drainExpired_movesOnlyDueEntriesAndKeepsOrderOfRest() {
        bucket.add(entry("late", 9));
        bucket.add(entry("due", 4));
        bucket.add(entry("exact", 5));
        bucket.add(entry("later", 7));
        List<WheelEntry<String>> out = new ArrayList<>();

        bucket.drainExpired(5, out);

        assertThat(out).extracting(e -> e.key).containsExactly("due", "exact");
        assertThat(out).allSatisfy(e -> assertThat(e.bucket).isNull());
        assertThat(drain()).containsExactly("late", "later");
    }

    @Test
    void earliestExpiresAtMs_scansAllEntries() {
        assertThat(bucket.earliestExpiresAtMs()).isEqualTo(Long.MAX_VALUE);
        bucket.add(entry("a", 7));
        bucket.add(entry("b", 3));
        bucket.add(entry("c", 5));

        assertThat(bucket.earliestExpiresAtMs()).isEqualTo(3);
    }
}
