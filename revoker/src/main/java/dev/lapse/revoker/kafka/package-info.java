/** The Kafka edge: grants and revocation requests in, expiries out, with one thread owning the wheel. */
@NullMarked
package dev.lapse.revoker.kafka;

import org.jspecify.annotations.NullMarked;
