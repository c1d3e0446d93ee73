/** The REST edge: verify the log, and read one request's audit trail. */
@NullMarked
package dev.lapse.audit.api;

import org.jspecify.annotations.NullMarked;
