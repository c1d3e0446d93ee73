package dev.lapse.request.security;

import dev.lapse.request.identity.CallerClaims;
import dev.lapse.request.identity.EmbeddedIssuer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;

/**
 * Who may call request-service, under {@code lapse.identity}. With {@code issuer-uri} and/or {@code jwk-set-uri}
 * set, bearer JWTs of that OAuth2/OIDC issuer are verified against its JWKS; with neither, the embedded issuer of
 * {@code embedded} is the one (the standalone's and the tests' default).
 *
 * @param issuerUri the issuer: its {@code iss}, checked on every token, and (without {@code jwkSetUri}) where its
 *     OIDC discovery document names the JWKS
 * @param jwkSetUri the issuer's JWKS, when it is not discovered from {@code issuerUri}
 * @param userClaim the claim naming the caller (its requester id)
 * @param groupsClaim the claim listing the caller's groups (a list of strings, or one string of names)
 * @param adminGroup members of this group read and revoke every request and re-drive parked records
 * @param jwsAlgorithms the signature algorithms an external issuer's tokens may use
 * @param audiences when not empty, a token's {@code aud} must name one of these
 * @param embedded the embedded issuer
 */
@ConfigurationProperties("lapse.identity")
public record IdentityProperties(
        @Nullable URI issuerUri,
        @Nullable URI jwkSetUri,
        @DefaultValue("sub") String userClaim,
        @DefaultValue("groups") String groupsClaim,
        @DefaultValue("lapse-admins") String adminGroup,
        @DefaultValue("RS256") List<String> jwsAlgorithms,
        @DefaultValue List<String> audiences,
        @DefaultValue Embedded embedded) {

    private static final Pattern GROUP = Pattern.compile("[^\\s,]+");

    public IdentityProperties {
        requireHttpUri("lapse.identity.issuer-uri", issuerUri);
        requireHttpUri("lapse.identity.jwk-set-uri", jwkSetUri);
        if (userClaim.isBlank()) {
            throw new IllegalArgumentException("lapse.identity.user-claim must name a claim, got '" + userClaim + "'");
        }
        if (groupsClaim.isBlank()) {
            throw new IllegalArgumentException("lapse.identity.groups-claim must name a claim, got '" + groupsClaim
                    + "'");
        }
        if (!GROUP.matcher(adminGroup).matches()) {
            throw new IllegalArgumentException("lapse.identity.admin-group must be a group name (no spaces or commas),"
                    + " got '" + adminGroup + "'");
        }
        jwsAlgorithms = List.copyOf(jwsAlgorithms);
        if (jwsAlgorithms.isEmpty()) {
            throw new IllegalArgumentException("lapse.identity.jws-algorithms must name at least one algorithm");
        }
        for (String algorithm : jwsAlgorithms) {
            if (SignatureAlgorithm.from(algorithm) == null) {
                throw new IllegalArgumentException("lapse.identity.jws-algorithms must be among RS256, RS384, RS512,"
                        + " ES256, ES384, ES512, PS256, PS384, PS512, got '" + algorithm + "'");
            }
        }
        audiences = List.copyOf(audiences);
    }

    private static void requireHttpUri(String key, @Nullable URI uri) {
        if (uri != null && (!uri.isAbsolute() || uri.getHost() == null
                || !List.of("http", "https").contains(uri.getScheme()))) {
            throw new IllegalArgumentException(key + " must be an absolute http(s) URL, got '" + uri + "'");
        }
    }

    /** Whether the embedded issuer is the one: neither {@code issuer-uri} nor {@code jwk-set-uri} is set. */
    public boolean embeddedMode() {
        return issuerUri == null && jwkSetUri == null;
    }

    /** The claims that name the caller and its groups. */
    public CallerClaims callerClaims() {
        return new CallerClaims(userClaim, groupsClaim);
    }

    /**
     * The embedded issuer, under {@code lapse.identity.embedded}.
     *
     * @param directory where its signing key and the token files live; relative to the working directory
     * @param users the users to write token files for, each with its groups: {@code users.alice=support,oncall}
     *     (an id with dots or {@code @} in brackets: {@code users[alice@example.com]=support})
     * @param tokenLifetime how long the token files are valid from each start
     */
    public record Embedded(
            @DefaultValue(".lapse/identity") Path directory,
            @DefaultValue Map<String, List<String>> users,
            @DefaultValue("PT12H") Duration tokenLifetime) {

        public Embedded {
            Map<String, List<String>> checked = new LinkedHashMap<>();
            (users == null ? Map.<String, List<String>>of() : users).forEach((user, groups) -> {
                if (!EmbeddedIssuer.isFileSafe(user)) {
                    throw new IllegalArgumentException("lapse.identity.embedded.users: user id '" + user + "' must be"
                            + " letters, digits and . _ @ + - (not first), at most 128 characters: it names its"
                            + " token file");
                }
                // "users.eve=" binds as one empty name: a user in no group.
                List<String> names = groups == null ? List.of()
                        : groups.stream().filter(group -> !group.isEmpty()).toList();
                for (String group : names) {
                    if (!GROUP.matcher(group).matches()) {
                        throw new IllegalArgumentException("lapse.identity.embedded.users." + user + " must list"
                                + " group names (no spaces), got '" + group + "'");
                    }
                }
                checked.put(user, names);
            });
            users = Collections.unmodifiableMap(checked);
            if (tokenLifetime.compareTo(Duration.ofMinutes(1)) < 0
                    || tokenLifetime.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException("lapse.identity.embedded.token-lifetime must be PT1M..P30D, got "
                        + tokenLifetime);
            }
        }
    }
}
