package dev.lapse.request.security;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Remembers the tokens it has verified until they expire, so a client that sends one token with every call (a
 * pipeline, an agent, a batch job) pays for one signature check, not one per call: an ES256 check is most of what an
 * authenticated call costs (a profile of the REST benchmark put 22% of all the stack's CPU in it). A token is
 * remembered only after the decoder verified it and all its validators passed, keyed by its whole compact form
 * (signature included), and only while it is unexpired and past its {@code nbf} by this service's clock; a token
 * without {@code exp} is never remembered. At most {@code maxTokens} are kept, least recently used first out.
 */
final class VerifiedTokenCache implements JwtDecoder {

    private final JwtDecoder decoder;
    private final Clock clock;
    private final Map<String, Jwt> verified;

    VerifiedTokenCache(JwtDecoder decoder, Clock clock, int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
        }
        this.decoder = decoder;
        this.clock = clock;
        this.verified = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Jwt> eldest) {
                return size() > maxTokens;
            }
        };
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Instant now = clock.instant();
        Jwt known;
        synchronized (verified) {
            known = verified.get(token);
        }
        if (known != null && inForce(known, now)) {
            return known;
        }
        // Verified again in full: its signature, and every validator, with their clock skew.
        Jwt jwt = decoder.decode(token);
        synchronized (verified) {
            if (inForce(jwt, now)) {
                verified.put(token, jwt);
            } else {
                verified.remove(token);
            }
        }
        return jwt;
    }

    /** How many tokens are remembered now. */
    int size() {
        synchronized (verified) {
            return verified.size();
        }
    }

    private static boolean inForce(Jwt jwt, Instant now) {
        Instant expiresAt = jwt.getExpiresAt();
        Instant notBefore = jwt.getNotBefore();
        return expiresAt != null && now.isBefore(expiresAt) && (notBefore == null || !now.isBefore(notBefore));
    }
}
