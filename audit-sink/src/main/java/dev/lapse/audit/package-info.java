/** audit-sink: the tamper-evident audit log of everything that happens to every request. */
@NullMarked
package dev.lapse.audit;

import org.jspecify.annotations.NullMarked;
