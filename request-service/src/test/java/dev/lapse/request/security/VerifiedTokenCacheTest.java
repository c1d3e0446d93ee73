package dev.lapse.request.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.schemas.testing.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

class VerifiedTokenCacheTest {

    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

    /** A decoder that counts what it is asked, accepts tokens named "good-…" until their expiry and refuses others. */
    private static final class CountingDecoder implements JwtDecoder {
        final List<String> decoded = new ArrayList<>();
        final Map<String, Instant> expiries;

        CountingDecoder(Map<String, Instant> expiries) {
            this.expiries = expiries;
        }

        @Override
        public Jwt decode(String token) {
            decoded.add(token);
            if (!token.startsWith("good")) {
                throw new BadJwtException("bad signature");
            }
            return Jwt.withTokenValue(token).header("alg", "ES256").subject("alice").issuedAt(T0.minusSeconds(1))
                    .expiresAt(expiries.get(token)).build();
        }
    }

    @Test
    void aTokenSentAgain_isVerifiedOnce_untilItExpires() {
        CountingDecoder decoder = new CountingDecoder(Map.of("good-1", T0.plusSeconds(60)));
        ManualClock clock = new ManualClock(T0);
        VerifiedTokenCache cache = new VerifiedTokenCache(decoder, clock, 10);

        for (int i = 0; i < 5; i++) {
            assertThat(cache.decode("good-1").getSubject()).isEqualTo("alice");
        }
        clock.set(T0.plusSeconds(60));
        cache.decode("good-1");

        assertThat(decoder.decoded).containsExactly("good-1", "good-1");
    }

    @Test
    void aTokenThatFails_isNeverRemembered() {
        CountingDecoder decoder = new CountingDecoder(Map.of());
        VerifiedTokenCache cache = new VerifiedTokenCache(decoder, new ManualClock(T0), 10);

        assertThatThrownBy(() -> cache.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> cache.decode("forged")).isInstanceOf(BadJwtException.class);

        assertThat(decoder.decoded).containsExactly("forged", "forged");
        assertThat(cache.size()).isZero();
    }

    @Test
    void atMostMaxTokens_areRemembered_leastRecentlyUsedOut() {
        CountingDecoder decoder = new CountingDecoder(Map.of("good-1", T0.plusSeconds(60), "good-2",
                T0.plusSeconds(60), "good-3", T0.plusSeconds(60)));
        VerifiedTokenCache cache = new VerifiedTokenCache(decoder, new ManualClock(T0), 2);

        cache.decode("good-1");
        cache.decode("good-2");
        cache.decode("good-1");
        cache.decode("good-3");
        cache.decode("good-1");
        cache.decode("good-2");

        assertThat(decoder.decoded).containsExactly("good-1", "good-2", "good-3", "good-2");
        assertThat(cache.size()).isEqualTo(2);
    }
}
