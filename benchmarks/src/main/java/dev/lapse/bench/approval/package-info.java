/** How long a human approval takes to become access once the deciding vote is cast. */
@NullMarked
package dev.lapse.bench.approval;

import org.jspecify.annotations.NullMarked;
