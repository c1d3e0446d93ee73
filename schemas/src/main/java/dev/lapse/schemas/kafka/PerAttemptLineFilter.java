package dev.lapse.schemas.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Leaves out spring-kafka's per-attempt lines on consumer threads whose failures Lapse reports itself
 * ({@link PartitionWaits} and the parking line, once per change of state). spring-kafka writes them on every failed
 * attempt, most with a stack trace, so a 40 s registry outage would fill the log with one every few seconds per
 * partition:
 * <ul>
 *   <li>the container's "Transaction rolled back" (ERROR);</li>
 *   <li>the template's "Exception thrown when sending a message …" (ERROR, with the payload), when a send inside
 *       the transaction fails, which then fails the commit;</li>
 *   <li>the producer factory's "Error during some operation; producer removed from cache" (WARN).</li>
 * </ul>
 * Every other line, and these on any other thread, stay.
 */
final class PerAttemptLineFilter extends TurboFilter {

    private static final PerAttemptLineFilter INSTANCE = new PerAttemptLineFilter();
    private static final List<Line> PER_ATTEMPT = List.of(
            new Line("org.springframework.kafka.listener.KafkaMessageListenerContainer", Level.ERROR,
                    "Transaction rolled back"),
            new Line("org.springframework.kafka.support.LoggingProducerListener", Level.ERROR,
                    "Exception thrown when sending a message"),
            new Line("org.springframework.kafka.core.DefaultKafkaProducerFactory", Level.WARN,
                    "Error during some operation; producer removed from cache"));

    private PerAttemptLineFilter() {
        setName("lapse-per-attempt-lines");
    }

    /**
     * Adds the filter to Logback, if Logback is the logging back end, once. Called when a service's retry wiring
     * is built, which is after Spring Boot (re)initialized logging for that application.
     */
    static synchronized void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && !context.getTurboFilterList().contains(INSTANCE)) {
            INSTANCE.start();
            context.addTurboFilter(INSTANCE);
        }
    }

    @Override
    public FilterReply decide(@Nullable Marker marker, Logger logger, Level level, @Nullable String format,
            Object @Nullable [] params, @Nullable Throwable t) {
        if (format == null || !PartitionWaits.reportsFailuresOnThisThread()) {
            return FilterReply.NEUTRAL;
        }
        for (Line line : PER_ATTEMPT) {
            if (line.level == level && format.startsWith(line.prefix) && line.logger.equals(logger.getName())) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }

    /** A line spring-kafka writes once per failed attempt: its logger, level and the start of its message. */
    private record Line(String logger, Level level, String prefix) {
    }
}
