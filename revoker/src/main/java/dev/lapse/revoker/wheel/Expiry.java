package dev.lapse.revoker.wheel;

import java.util.Objects;

/**
 * One entry of the wheel, as {@link TimingWheel#advanceTo(long)} hands it back when it lapses (or
 * {@link TimingWheel#get}, {@link TimingWheel#remove} and {@link TimingWheel#removeIf} while it is scheduled).
 *
 * @param key         the key it was scheduled under (for the revoker: the request id)
 * @param expiresAtMs the epoch-millisecond expiry given to {@link TimingWheel#add(String, long, int)}
 * @param tag         the int given with it (for the revoker: the requester's number in its dictionary)
 */
public record Expiry(String key, long expiresAtMs, int tag) {

    /** Rejects a null key, so consumers of a fired expiry never need to null-check. */
    public Expiry {
        Objects.requireNonNull(key, "key");
    }
}
