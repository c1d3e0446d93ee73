/** The policy engine's micro-benchmark (JMH): one decision against a large policy set. */
@NullMarked
package dev.lapse.bench.policy;

import org.jspecify.annotations.NullMarked;
