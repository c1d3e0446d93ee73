/** grant-issuer: turns approvals into grants and withdraws them when they expire. */
@NullMarked
package dev.lapse.grant;

import org.jspecify.annotations.NullMarked;
