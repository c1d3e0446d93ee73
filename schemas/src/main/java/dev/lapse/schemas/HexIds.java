package dev.lapse.schemas;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Ids that are 128-bit numbers written in lower-case hex (request and event ids as canonical UUIDs, grant ids as
 * {@link GrantIds} derives them), read as those 128 bits: a service that keeps many of them holds 16 bytes each
 * instead of a string of 32 or 36 characters. Only the one spelling that prints back exactly is read; any other text
 * is a different id and stays text.
 */
public final class HexIds {

    private HexIds() {
    }

    /**
     * The 128 bits of a UUID written in canonical form (8-4-4-4-12 lower-case hex digits), as {@code {high, low}}, or
     * null for any other text: {@code UUID.fromString} also takes upper case and shorter groups, which are different
     * ids, and would not print back as they were given.
     */
    public static long @Nullable [] canonicalUuidBits(String id) {
        if (id.length() != 36) {
            return null;
        }
        long high = 0;
        long low = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return null;
                }
                continue;
            }
            int value = lowerHexDigit(c);
            if (value < 0) {
                return null;
            }
            if (digits < 16) {
                high = (high << 4) | value;
            } else {
                low = (low << 4) | value;
            }
            digits++;
        }
        return new long[] {high, low};
    }

    /** {@code id} as a {@link UUID} when it is one in canonical form ({@code toString()} gives it back), else null. */
    public static @Nullable UUID canonicalUuid(String id) {
        long[] bits = canonicalUuidBits(id);
        return bits == null ? null : new UUID(bits[0], bits[1]);
    }

    /**
     * {@code id} as 128 bits held in a {@link UUID} when it is exactly 32 lower-case hex digits (a grant id), else null;
     * {@link #hex32} writes it back.
     */
    public static @Nullable UUID hex32(String id) {
        if (id.length() != 32) {
            return null;
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 32; i++) {
            int value = lowerHexDigit(id.charAt(i));
            if (value < 0) {
                return null;
            }
            if (i < 16) {
                high = (high << 4) | value;
            } else {
                low = (low << 4) | value;
            }
        }
        return new UUID(high, low);
    }

    /** The 32 lower-case hex digits of {@code bits}: the inverse of {@link #hex32(String)}. */
    public static String hex32(UUID bits) {
        return String.format("%016x%016x", bits.getMostSignificantBits(), bits.getLeastSignificantBits());
    }

    private static int lowerHexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
