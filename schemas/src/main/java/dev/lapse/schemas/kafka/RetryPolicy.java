package dev.lapse.schemas.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.springframework.kafka.listener.BackOffHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.FailedRecordProcessor;
import org.springframework.kafka.support.converter.ConversionException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Park what is broken, wait for what is down. A record that can never be processed goes to its dead-letter topic at
 * once; after any other failure (the registry, the broker, a target, even a bug) the record is tried again, with a
 * backoff that doubles from {@code firstBackoff} up to {@code maxBackoff} and never gives up, while its partition
 * is paused and the consumer's other partitions go on. A valid record is never parked because something else was
 * down: once the cause is fixed, processing resumes by itself.
 */
public final class RetryPolicy {

    /** Cause chains longer than this are cut; a cycle in a cause chain must not hang a consumer. */
    private static final int MAX_CAUSES = 32;
    private static final BackOff PARK_NOW = new FixedBackOff(0, 0);

    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final PartitionWaits waits;
    private final BackOffHandler pausing;

    /**
     * @param waits reports waiting partitions (log lines and metrics); listens to every retry
     * @param pausing how a partition waits between attempts (see {@link PausingBackOff})
     */
    public RetryPolicy(Duration firstBackoff, Duration maxBackoff, PartitionWaits waits, BackOffHandler pausing) {
        if (firstBackoff.isNegative() || firstBackoff.isZero() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("retry backoffs must satisfy 0 < first <= max, got " + firstBackoff
                    + " and " + maxBackoff);
        }
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.waits = waits;
        this.pausing = pausing;
    }

    /**
     * True when the record itself is at fault, so no retry can ever help:
     * <ul>
     *   <li>a {@link RejectedRecordException} anywhere in the cause chain: validation failed, the value is not the
     *       topic's type, or the bytes cannot be read ({@link EventDecoder} says which);</li>
     *   <li>for listeners still fed by a deserializer ({@code ErrorHandlingDeserializer}): a
     *       {@link DeserializationException} not caused by an unavailable dependency (an unreachable registry is a
     *       {@link RetriableException}), or Spring's conversion failures, its way of saying "not this listener's
     *       type".</li>
     * </ul>
     * Everything else is retried.
     */
    public static boolean parks(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof RejectedRecordException) {
                return true;
            }
            if (cause instanceof DeserializationException) {
                return !isDependencyDown(cause);
            }
            if (cause instanceof MessageConversionException || cause instanceof ConversionException
                    || cause instanceof MethodArgumentResolutionException) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the failure says a dependency is unavailable: Kafka's retriable errors, the registry's outage, a
     * database that refuses or drops connections, is shutting down, or times out a lock (SQLSTATE classes 08, 28, 53,
     * 57P, and 55P03, 40001, 40P01, in any cause).
     */
    public static boolean isDependencyDown(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof RetriableException || cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof java.sql.SQLTransientException || cause instanceof java.net.ConnectException) {
                return true;
            }
            if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && DATABASE_DOWN.matcher(sql.getSQLState()).matches()) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.regex.Pattern DATABASE_DOWN =
            java.util.regex.Pattern.compile("08...|28...|53...|57P..|55P03|40001|40P01");

    /** How long a record waits before attempt {@code failedAttempts + 1}: doubling from the first backoff. */
    public Duration backoff(int failedAttempts) {
        long ms = firstBackoff.toMillis();
        for (int i = 1; i < failedAttempts && ms < maxBackoff.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }

    /** The longest wait between two attempts. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * The error handler of a container that is not transactional, such as a read model's: a record at fault goes
     * to {@code recoverer} (which may only log it: its owner parks it), any other failure waits.
     */
    public DefaultErrorHandler errorHandler(BiConsumer<ConsumerRecord<?, ?>, Exception> recoverer) {
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer::accept, backOff(), pausing);
        classify(handler);
        return handler;
    }

    private void classify(FailedRecordProcessor processor) {
        // spring-kafka's default list parks every DeserializationException, an unreachable registry included;
        // Lapse decides with parks() alone.
        processor.setClassifications(Map.of(), true);
        processor.setBackOffFunction((record, exception) -> parks(exception) ? PARK_NOW : null);
        processor.setRetryListeners(waits);
    }

    private BackOff backOff() {
        ExponentialBackOff backOff = new ExponentialBackOff(firstBackoff.toMillis(), 2.0);
        backOff.setMaxInterval(maxBackoff.toMillis());
        return backOff;
    }
}
