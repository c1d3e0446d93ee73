package dev.lapse.request.security;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when the embedded issuer is the one: neither {@code lapse.identity.issuer-uri} nor {@code jwk-set-uri}. */
final class EmbeddedIdentity implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Binder binder = Binder.get(context.getEnvironment());
        return binder.bind("lapse.identity.issuer-uri", String.class).orElse("").isBlank()
                && binder.bind("lapse.identity.jwk-set-uri", String.class).orElse("").isBlank();
    }
}
