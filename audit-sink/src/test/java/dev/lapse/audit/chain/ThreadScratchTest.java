package dev.lapse.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThreadScratchTest {

    private final ThreadScratch scratch = new ThreadScratch();

    @Test
    void take_givesThisThreadsBuilder_emptied() {
        StringBuilder first = scratch.take();
        first.append("left over");
        scratch.release(first);

        StringBuilder second = scratch.take();

        assertThat(second).isSameAs(first).isEmpty();
    }

    @Test
    void release_forgetsABuilderThatGrewLarge() {
        StringBuilder grown = scratch.take();
        grown.append("x".repeat(100_000));
        scratch.release(grown);

        assertThat(scratch.take()).isNotSameAs(grown).isEmpty();
    }
}
