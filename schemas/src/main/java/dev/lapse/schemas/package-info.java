/** The contract every Lapse service shares: the topic register and the Avro events on each topic. */
@NullMarked
package dev.lapse.schemas;

import org.jspecify.annotations.NullMarked;
