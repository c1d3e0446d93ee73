/**
 * The audit log on disk: one append-only JSON-lines file per hash chain, recovered after a crash and verified again
 * on demand. File I/O through {@code java.nio} only, and no clock.
 */
@NullMarked
package dev.lapse.audit.log;

import org.jspecify.annotations.NullMarked;
