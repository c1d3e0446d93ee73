package dev.lapse.schemas.kafka;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How every Lapse service retries, under {@code lapse.kafka}; the defaults work out of the box.
 *
 * @param firstRetryBackoff the wait after a record's first failed attempt; each further wait doubles
 * @param maxRetryBackoff the longest wait between two attempts; retries never stop
 */
@ConfigurationProperties("lapse.kafka")
public record LapseKafkaProperties(
        @DefaultValue("100ms") Duration firstRetryBackoff,
        @DefaultValue("10s") Duration maxRetryBackoff) {

    public LapseKafkaProperties {
        if (firstRetryBackoff.isNegative() || firstRetryBackoff.isZero()) {
            throw new IllegalArgumentException("lapse.kafka.first-retry-backoff must be positive, got "
                    + firstRetryBackoff);
        }
        if (maxRetryBackoff.compareTo(firstRetryBackoff) < 0) {
            throw new IllegalArgumentException("lapse.kafka.max-retry-backoff must be at least "
                    + "lapse.kafka.first-retry-backoff (" + firstRetryBackoff + "), got " + maxRetryBackoff);
        }
    }
}
