package dev.lapse.request.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import dev.lapse.request.identity.Caller;
import dev.lapse.request.identity.CallerClaims;
import dev.lapse.request.identity.EmbeddedIssuer;
import dev.lapse.request.identity.RequestAccess;
import jakarta.servlet.DispatcherType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Every request-service endpoint needs a bearer JWT, except what must stay open: {@code /actuator/health/**} (the
 * standalone's and the containers' readiness checks), {@code /actuator/prometheus} (scraped without credentials;
 * its metrics name topics and listeners, never people or requests) and, in embedded mode, the JWKS. Tokens are
 * verified against the external issuer, or the embedded one; the token's claims become the {@link Caller}. Stateless:
 * no session, no cookie, so there is nothing for CSRF to ride on.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    /** Verified tokens remembered until they expire: a few MB at most, for ten thousand clients' tokens. */
    private static final int VERIFIED_TOKENS = 10_000;

    /**
     * No observations of Spring Security's own: with them every filter of the chain is wrapped in an observation
     * before and after it, which cost more CPU than the filters themselves on a busy API. Turning them off by
     * predicate (management.observations.enable.spring.security) leaves the wrapping in place; this removes it.
     * Requests are still timed as a whole by http_server_requests.
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    RequestAccess requestAccess(IdentityProperties properties) {
        return new RequestAccess(properties.adminGroup());
    }

    /**
     * The embedded issuer: its key from the directory (made at the first start), and a fresh token file for each
     * configured user.
     */
    @Bean
    @Conditional(EmbeddedIdentity.class)
    EmbeddedIssuer embeddedIssuer(IdentityProperties properties, Clock clock) {
        IdentityProperties.Embedded embedded = properties.embedded();
        Path directory = embedded.directory().toAbsolutePath().normalize();
        EmbeddedIssuer issuer = EmbeddedIssuer.openOrCreate(directory, properties.callerClaims(), clock);
        List<Path> tokens = issuer.writeTokens(embedded.users(), embedded.tokenLifetime());
        log.info("Identity: embedded issuer (key {} in {}); token files of {} valid until {} in {}", issuer.keyId(),
                directory, embedded.users().keySet(), Instant.now(clock).plus(embedded.tokenLifetime()),
                tokens.isEmpty() ? "(no users configured)" : directory.resolve(EmbeddedIssuer.TOKENS_DIRECTORY));
        return issuer;
    }

    @Bean
    JwtDecoder jwtDecoder(IdentityProperties properties, ObjectProvider<EmbeddedIssuer> embedded, Clock clock) {
        return new VerifiedTokenCache(verifyingDecoder(properties, embedded), clock, VERIFIED_TOKENS);
    }

    private static JwtDecoder verifyingDecoder(IdentityProperties properties, ObjectProvider<EmbeddedIssuer> embedded) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        NimbusJwtDecoder decoder;
        if (properties.embeddedMode()) {
            EmbeddedIssuer issuer = embedded.getObject();
            decoder = NimbusJwtDecoder.withJwkSource(new ImmutableJWKSet<>(new JWKSet(issuer.publicKey())))
                    .jwsAlgorithm(SignatureAlgorithm.ES256).build();
            validators.add(JwtValidators.createDefaultWithIssuer(EmbeddedIssuer.ISSUER));
        } else {
            NimbusJwtDecoder.JwkSetUriJwtDecoderBuilder builder = properties.jwkSetUri() != null
                    ? NimbusJwtDecoder.withJwkSetUri(properties.jwkSetUri().toString())
                    // Discovers the JWKS from the issuer's metadata at the first token, not at start-up.
                    : NimbusJwtDecoder.withIssuerLocation(properties.issuerUri().toString());
            decoder = builder.jwsAlgorithms(algorithms -> properties.jwsAlgorithms()
                    .forEach(name -> algorithms.add(SignatureAlgorithm.from(name)))).build();
            validators.add(properties.issuerUri() != null
                    ? JwtValidators.createDefaultWithIssuer(properties.issuerUri().toString())
                    : JwtValidators.createDefault());
            log.info("Identity: bearer JWTs of {} (JWKS {}), caller from claim '{}', groups from '{}'",
                    properties.issuerUri() == null ? "any issuer" : properties.issuerUri(),
                    properties.jwkSetUri() == null ? "discovered" : properties.jwkSetUri(), properties.userClaim(),
                    properties.groupsClaim());
        }
        if (!properties.audiences().isEmpty()) {
            validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                    audience -> audience != null && audience.stream().anyMatch(properties.audiences()::contains)));
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }

    @Bean
    SecurityFilterChain bearerTokens(HttpSecurity http, JwtDecoder decoder, IdentityProperties properties)
            throws Exception {
        CallerClaims claims = properties.callerClaims();
        AuthenticationProblems problems = new AuthenticationProblems(properties.embeddedMode());
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(requests -> requests
                        // The request itself was authorized; its async continuation and error rendering need not be.
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**",
                                "/actuator/prometheus").permitAll()
                        .requestMatchers(HttpMethod.GET, JwksController.PATH).permitAll()
                        .anyRequest().authenticated())
                .oauth2ResourceServer(server -> server
                        .bearerTokenResolver(new BearerTokens())
                        .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(token -> authentication(claims,
                                token)))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems));
        return http.build();
    }

    /** Spring's strict firewall, checking header characters without its regular expressions (same rules). */
    @Bean
    WebSecurityCustomizer headerCharacters() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderCharacters.NAMES);
        firewall.setAllowedHeaderValues(HeaderCharacters.VALUES);
        return web -> web.httpFirewall(firewall);
    }

    /** A verified token becomes its Caller here, so a token that names nobody is a 401, not a failing controller. */
    private static CallerAuthentication authentication(CallerClaims claims, Jwt token) {
        try {
            return new CallerAuthentication(claims.caller(token.getClaims()), token);
        } catch (IllegalArgumentException e) {
            throw new InvalidBearerTokenException(e.getMessage());
        }
    }

    /** Controllers take the {@link Caller} as a plain method parameter. */
    @Bean
    WebMvcConfigurer callerParameters() {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new CallerArgumentResolver());
            }
        };
    }
}
