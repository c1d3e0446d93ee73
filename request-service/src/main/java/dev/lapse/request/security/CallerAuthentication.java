package dev.lapse.request.security;

import dev.lapse.request.identity.Caller;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A verified bearer token and the {@link Caller} it names: the principal is the Caller itself (so
 * {@code @AuthenticationPrincipal Caller} works too), each group is an authority {@code GROUP_<name>}.
 */
final class CallerAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;
    private final transient Jwt token;

    CallerAuthentication(Caller caller, Jwt token) {
        super(caller.groups().stream().map(group -> new SimpleGrantedAuthority("GROUP_" + group)).toList());
        this.caller = caller;
        this.token = token;
        setAuthenticated(true);
    }

    @Override
    public Caller getPrincipal() {
        return caller;
    }

    @Override
    public Jwt getCredentials() {
        return token;
    }

    @Override
    public String getName() {
        return caller.id();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CallerAuthentication that && caller.equals(that.caller)
                && token.getTokenValue().equals(that.token.getTokenValue());
    }

    @Override
    public int hashCode() {
        return List.of(caller, token.getTokenValue()).hashCode();
    }
}
