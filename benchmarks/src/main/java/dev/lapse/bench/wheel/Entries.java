package dev.lapse.bench.wheel;

import java.util.UUID;

/**
 * The keys and expiries every structure is benchmarked with, so all three hold the same entries: request ids as Lapse
 * makes them (random-looking version 4 UUIDs, computed rather than stored), due between one and thirty days after the
 * start, as long and short grants mix; nothing live falls due while a benchmark advances by minutes.
 */
final class Entries {

    /** The benchmarks' time zero, in epoch milliseconds. */
    static final long START_MS = 1_700_000_000_000L;
    /** The revoker's default tick and wheel size ({@code lapse.revoker.tick-ms}, {@code lapse.revoker.wheel-size}). */
    static final long TICK_MS = 10;
    static final int WHEEL_SIZE = 512;
    /** Requesters the tags stand for. */
    static final int REQUESTERS = 5_000;

    private static final long DAY_MS = 86_400_000L;

    private Entries() {
    }

    /** The {@code i}th request id. */
    static String requestId(long i) {
        long mixed = i * 0x9E3779B97F4A7C15L;
        return new UUID((mixed & 0xFFFF_FFFF_FFFF_0FFFL) | 0x4000L,
                (i & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L).toString();
    }

    /** {@code count} request ids from the {@code from}th, as new String instances each time it is called. */
    static String[] requestIds(long from, int count) {
        String[] ids = new String[count];
        for (int i = 0; i < count; i++) {
            ids[i] = requestId(from + i);
        }
        return ids;
    }

    /** When the {@code i}th entry falls due: spread over days 1 to 30 after {@link #START_MS}, in no order. */
    static long expiryMs(long i) {
        return START_MS + DAY_MS + Math.floorMod(i * 2_654_435_761L, 29 * DAY_MS);
    }
}
