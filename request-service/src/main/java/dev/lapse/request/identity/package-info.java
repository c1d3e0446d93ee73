/**
 * Who calls the REST API and what they may do: the {@link dev.lapse.request.identity.Caller} taken from a verified
 * token, the rules of who may submit, read and revoke ({@link dev.lapse.request.identity.RequestAccess}), and the
 * embedded issuer of the standalone ({@link dev.lapse.request.identity.EmbeddedIssuer}). Plain Java (and Nimbus
 * JOSE for keys and tokens); the Spring Security edge that verifies tokens is {@code dev.lapse.request.security}.
 */
@NullMarked
package dev.lapse.request.identity;

import org.jspecify.annotations.NullMarked;
