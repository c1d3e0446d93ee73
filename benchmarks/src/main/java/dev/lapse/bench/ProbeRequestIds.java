package dev.lapse.bench;

import java.util.UUID;

/** Request ids as Lapse makes them (random-looking version 4 UUIDs), reproducible from a number, for the heap probes. */
public final class ProbeRequestIds {

    private ProbeRequestIds() {
    }

    /** The id numbered {@code i}: distinct for every {@code i} within ±2^61, negative ones included. */
    public static String of(long i) {
        long mixed = i * 0x9E3779B97F4A7C15L;
        return new UUID((mixed & 0xFFFF_FFFF_FFFF_0FFFL) | 0x4000L,
                (i & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L).toString();
    }
}
