package dev.lapse.request.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InternerTest {

    @Test
    void intern_ofEqualValues_returnsTheFirstInstance() {
        Interner interner = new Interner(10);
        String first = new String("alice");
        String second = new String("alice");

        assertThat(interner.intern(first)).isSameAs(first);
        assertThat(interner.intern(second)).isSameAs(first);
        assertThat(interner.intern((String) null)).isNull();
    }

    @Test
    void internAll_ofEqualLists_sharesTheListAndItsElements() {
        Interner interner = new Interner(10);
        String select = new String("SELECT");
        List<String> first = interner.internAll(new ArrayList<>(List.of(select)));
        List<String> second = interner.internAll(List.of(new String("SELECT")));

        assertThat(second).isSameAs(first).containsExactly("SELECT");
        assertThat(second.get(0)).isSameAs(select);
    }

    @Test
    void intern_whenFull_startsAgainEmpty() {
        Interner interner = new Interner(2);
        interner.intern("a");
        interner.intern("b");
        assertThat(interner.size()).isEqualTo(2);

        interner.intern("c");

        assertThat(interner.size()).isEqualTo(1);
        String again = new String("a");
        assertThat(interner.intern(again)).isSameAs(again);
    }
}
