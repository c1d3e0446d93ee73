/**
 * The REST edge's authentication: every endpoint but health, Prometheus and the embedded issuer's JWKS needs a
 * bearer JWT, verified against an external issuer ({@code lapse.identity.issuer-uri} / {@code jwk-set-uri}) or the
 * embedded one; the token becomes the {@link dev.lapse.request.identity.Caller} that controllers take as a plain
 * method parameter; 401 and 403 are RFC 7807 problems.
 */
@NullMarked
package dev.lapse.request.security;

import org.jspecify.annotations.NullMarked;
