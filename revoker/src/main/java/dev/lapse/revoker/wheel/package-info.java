/**
 * Hierarchical timing wheel that tells the revoker which grants have lapsed.
 *
 * <p>{@link dev.lapse.revoker.wheel.TimingWheel} is the only entry point; everything else in the package is its
 * internal structure. The package never reads a clock: every time is an epoch-millisecond {@code long} handed in
 * by the caller.
 */
@org.jspecify.annotations.NullMarked
package dev.lapse.revoker.wheel;
