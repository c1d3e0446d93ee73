/** The Kafka edge: reads every lifecycle record as it was written and appends it to its partition's chain. */
@NullMarked
package dev.lapse.audit.kafka;

import org.jspecify.annotations.NullMarked;
