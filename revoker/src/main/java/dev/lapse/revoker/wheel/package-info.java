/**
 * Hierarchical timing wheel that tells the revoker which grants have lapsed, with its entries in flat arrays.
 *
 * <p>{@link dev.lapse.revoker.wheel.TimingWheel} is the only entry point and {@link dev.lapse.revoker.wheel.Expiry}
 * what it hands back; everything else in the package is its internal structure. The package never reads a clock:
 * every time is an epoch-millisecond {@code long} handed in by the caller.
 */
@org.jspecify.annotations.NullMarked
package dev.lapse.revoker.wheel;
