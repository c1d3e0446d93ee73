/** policy-engine: decides every access request by policy. */
@NullMarked
package dev.lapse.policy;

import org.jspecify.annotations.NullMarked;
