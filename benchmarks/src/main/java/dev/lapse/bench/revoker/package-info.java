/**
 * The revoker's figures: heap per active grant (in a forked JVM), how fast a restarted revoker reads its grants back,
 * and how late it announces expiries while a million grants fall due within a minute.
 */
@NullMarked
package dev.lapse.bench.revoker;

import org.jspecify.annotations.NullMarked;
