/** Who calls the REST API: bearer tokens verified against an issuer, and the embedded issuer of the standalone. */
@NullMarked
package dev.lapse.request.identity;

import org.jspecify.annotations.NullMarked;
