package dev.lapse.revoker.wheel;

import java.util.Objects;

/**
 * One lapsed entry handed back by {@link TimingWheel#advanceTo(long)}: the key, the expiry it was scheduled for,
 * and the payload it carried.
 *
 * @param key         the key the entry was scheduled under (for the revoker: the request id)
 * @param expiresAtMs the epoch-millisecond expiry given to {@link TimingWheel#add(String, long, Object)}
 * @param payload     the payload given with it
 * @param <T>         type of the payload
 */
public record Expiry<T>(String key, long expiresAtMs, T payload) {

    /** Rejects null components, so consumers of a fired expiry never need to null-check. */
    public Expiry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(payload, "payload");
    }
}
