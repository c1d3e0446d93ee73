/** revoker: announces every grant's expiry on time. */
@NullMarked
package dev.lapse.revoker;

import org.jspecify.annotations.NullMarked;
