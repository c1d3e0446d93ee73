package dev.lapse.schemas.kafka;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How every Lapse service retries and fences, under {@code lapse.kafka}; the defaults work out of the box.
 *
 * @param firstRetryBackoff the wait after a record's first failed attempt; each further wait doubles
 * @param maxRetryBackoff the longest wait between two attempts; retries never stop
 * @param transactionIdPoolSize how many transactional ids an instance uses at most (suffixes 0..size-1 of
 *     {@code spring.kafka.producer.transaction-id-prefix}); all of them are fenced at start, so a crashed
 *     predecessor's open transactions are aborted at once. It must cover the transactions open at the same time:
 *     one per listener consumer thread (each container's {@code concurrency}), plus one per thread that calls
 *     {@code executeInTransaction}; when the pool is exhausted a transaction cannot start
 */
@ConfigurationProperties("lapse.kafka")
public record LapseKafkaProperties(
        @DefaultValue("100ms") Duration firstRetryBackoff,
        @DefaultValue("10s") Duration maxRetryBackoff,
        @DefaultValue("8") int transactionIdPoolSize) {

    public LapseKafkaProperties {
        if (firstRetryBackoff.isNegative() || firstRetryBackoff.isZero()) {
            throw new IllegalArgumentException("lapse.kafka.first-retry-backoff must be positive, got "
                    + firstRetryBackoff);
        }
        if (maxRetryBackoff.compareTo(firstRetryBackoff) < 0) {
            throw new IllegalArgumentException("lapse.kafka.max-retry-backoff must be at least "
                    + "lapse.kafka.first-retry-backoff (" + firstRetryBackoff + "), got " + maxRetryBackoff);
        }
        if (transactionIdPoolSize < 1 || transactionIdPoolSize > 1000) {
            throw new IllegalArgumentException("lapse.kafka.transaction-id-pool-size must be 1..1000, got "
                    + transactionIdPoolSize);
        }
    }
}
