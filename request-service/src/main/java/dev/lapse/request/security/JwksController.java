package dev.lapse.request.security;

import dev.lapse.request.identity.EmbeddedIssuer;
import java.util.Map;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The embedded issuer's public key as a JWK set, open to anyone, so any party can verify its tokens offline. Only
 * in embedded mode; an external issuer publishes its own.
 */
@RestController
@Conditional(EmbeddedIdentity.class)
class JwksController {

    /** Where the JWK set is served. */
    static final String PATH = "/.well-known/jwks.json";

    private final EmbeddedIssuer issuer;

    JwksController(EmbeddedIssuer issuer) {
        this.issuer = issuer;
    }

    @GetMapping(value = PATH, produces = {"application/jwk-set+json", "application/json"})
    Map<String, Object> jwks() {
        return issuer.jwks();
    }
}
