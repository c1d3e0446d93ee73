package dev.lapse.schemas.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Leaves out spring-kafka's "Transaction rolled back" ERROR line (with its stack trace) on consumer threads whose
 * failures Lapse reports itself: the container writes it on every failed attempt, so a 40 s registry outage would
 * fill the log with one stack trace every few seconds per partition, while {@link PartitionWaits} and the parking
 * line say the same once per change of state. Every other line, and this one on any other thread, stays.
 */
final class RolledBackLineFilter extends TurboFilter {

    private static final String CONTAINER_LOGGER = "org.springframework.kafka.listener.KafkaMessageListenerContainer";
    private static final String ROLLED_BACK = "Transaction rolled back";
    private static final RolledBackLineFilter INSTANCE = new RolledBackLineFilter();

    private RolledBackLineFilter() {
        setName("lapse-rolled-back-line");
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
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        if (level == Level.ERROR && ROLLED_BACK.equals(format) && CONTAINER_LOGGER.equals(logger.getName())
                && PartitionWaits.reportsFailuresOnThisThread()) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
