package dev.lapse.request.identity;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which claims of a verified token name the caller and its groups ({@code lapse.identity.user-claim} and
 * {@code lapse.identity.groups-claim}), and how a token's claims become a {@link Caller}. Groups may be a JSON array
 * of strings (Keycloak, Okta, the embedded issuer) or one string of names separated by spaces or commas; a token
 * without the groups claim is a caller in no group.
 */
public record CallerClaims(String userClaim, String groupsClaim) {

    /** The claims of the embedded issuer and of most OIDC providers: {@code sub} and {@code groups}. */
    public static final CallerClaims DEFAULT = new CallerClaims("sub", "groups");

    public CallerClaims {
        if (userClaim == null || userClaim.isBlank()) {
            throw new IllegalArgumentException("the user claim must be named, got '" + userClaim + "'");
        }
        if (groupsClaim == null || groupsClaim.isBlank()) {
            throw new IllegalArgumentException("the groups claim must be named, got '" + groupsClaim + "'");
        }
    }

    /**
     * The caller a verified token's claims name.
     *
     * @throws IllegalArgumentException when the user claim is missing or not a non-blank string, or the groups
     *     claim is neither a string nor a list of strings; the message says which claim and why
     */
    public Caller caller(Map<String, Object> claims) {
        Object user = claims.get(userClaim);
        if (!(user instanceof String id) || id.isBlank()) {
            throw new IllegalArgumentException("the token's '" + userClaim + "' claim must name the user, got "
                    + (user == null ? "none" : "'" + user + "'"));
        }
        return Caller.of(id, groups(claims.get(groupsClaim)));
    }

    private Set<String> groups(Object claim) {
        Set<String> groups = new TreeSet<>();
        if (claim == null) {
            return groups;
        }
        if (claim instanceof String names) {
            for (String name : names.split("[\\s,]+")) {
                if (!name.isEmpty()) {
                    groups.add(name);
                }
            }
            return groups;
        }
        if (claim instanceof Collection<?> names) {
            for (Object name : names) {
                if (!(name instanceof String group) || group.isBlank()) {
                    throw new IllegalArgumentException("the token's '" + groupsClaim + "' claim must list group names,"
                            + " got '" + name + "' in it");
                }
                groups.add(group);
            }
            return groups;
        }
        throw new IllegalArgumentException("the token's '" + groupsClaim + "' claim must be a list of group names,"
                + " got " + claim.getClass().getSimpleName());
    }
}
