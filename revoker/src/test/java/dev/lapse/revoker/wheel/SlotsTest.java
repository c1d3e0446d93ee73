package dev.lapse.revoker.wheel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flat arrays underneath the wheel: circular lists with sentinel roots, the free list, and growth. */
class SlotsTest {

    private final Slots slots = new Slots(0);
    private final int root = slots.newList();

    private List<Integer> list(int listRoot) {
        List<Integer> members = new ArrayList<>();
        for (int slot = slots.next(listRoot); slot != listRoot; slot = slots.next(slot)) {
            members.add(slot);
        }
        return members;
    }

    private int entry(long expiresAtMs) {
        int slot = slots.allocate();
        slots.setExpiresAtMs(slot, expiresAtMs);
        return slot;
    }

    @Test
    void linkLast_keepsInsertionOrder() {
        int a = entry(1);
        int b = entry(2);
        int c = entry(3);
        slots.linkLast(root, a);
        slots.linkLast(root, b);
        slots.linkLast(root, c);

        assertThat(list(root)).containsExactly(a, b, c);
        assertThat(slots.isEmpty(root)).isFalse();
    }

    @Test
    void unlink_fromHeadMiddleAndTail_relinksNeighbours() {
        int a = entry(1);
        int b = entry(2);
        int c = entry(3);
        int d = entry(4);
        List.of(a, b, c, d).forEach(slot -> slots.linkLast(root, slot));

        slots.unlink(b);
        assertThat(list(root)).containsExactly(a, c, d);
        slots.unlink(a);
        slots.unlink(d);
        assertThat(list(root)).containsExactly(c);
        slots.unlink(c);
        assertThat(slots.isEmpty(root)).isTrue();
    }

    @Test
    void unlink_whenAlreadyUnlinked_isNoOp() {
        int a = entry(1);
        int b = entry(2);
        slots.linkLast(root, a);

        slots.unlink(b);
        slots.unlink(b);

        assertThat(list(root)).containsExactly(a);
        assertThat(slots.next(b)).isEqualTo(b);
        assertThat(slots.prev(b)).isEqualTo(b);
    }

    @Test
    void free_thenAllocate_reusesTheMostRecentlyFreedSlotFirst() {
        int a = entry(1);
        int b = entry(2);
        int c = entry(3);

        slots.free(a);
        slots.free(c);

        assertThat(slots.allocate()).isEqualTo(c);
        assertThat(slots.allocate()).isEqualTo(a);
        assertThat(slots.allocate()).isNotIn(a, b, c);
    }

    @Test
    void allocate_whenFull_growsByHalf_andKeepsEveryField() {
        List<Integer> linked = new ArrayList<>();
        int capacity = slots.capacity();
        while (linked.size() < 1000) {
            int slot = entry(linked.size());
            slots.setKey(slot, slot, -slot);
            slots.setTag(slot, 7 * slot);
            slots.setSequence(slot, 3L * slot);
            slots.linkLast(root, slot);
            linked.add(slot);
        }

        assertThat(slots.capacity()).isGreaterThan(capacity).isLessThanOrEqualTo(1500 + 16);
        assertThat(list(root)).containsExactlyElementsOf(linked);
        for (int i = 0; i < linked.size(); i++) {
            int slot = linked.get(i);
            assertThat(slots.expiresAtMs(slot)).isEqualTo(i);
            assertThat(slots.keyHi(slot)).isEqualTo(slot);
            assertThat(slots.keyLo(slot)).isEqualTo(-slot);
            assertThat(slots.tag(slot)).isEqualTo(7 * slot);
            assertThat(slots.sequence(slot)).isEqualTo(3L * slot);
        }
    }

    @Test
    void growth_isByHalf_soTwoThirdsAreInUseRightAfter() {
        Slots grown = new Slots(16);
        for (int i = 0; i < 17; i++) {
            grown.allocate();
        }

        assertThat(grown.capacity()).isEqualTo(24);
    }
}
