package dev.lapse.request.kafka;

import dev.lapse.request.submission.SubmissionValidator;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of request-service, under {@code lapse.request}: the longest duration anyone may ask for, how long a REST
 * call waits for Kafka to take its record (then 503), and how long it waits for the gate's verdict (then 202 with
 * the verdict still to come in the timeline).
 */
@ConfigurationProperties("lapse.request")
public record RequestProperties(
        @DefaultValue("PT12H") Duration maxDuration,
        @DefaultValue("PT3S") Duration writeTimeout,
        @DefaultValue("PT5S") Duration verdictTimeout) {

    public RequestProperties {
        if (maxDuration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("lapse.request.max-duration must be at least PT1S, got " + maxDuration);
        }
        if (writeTimeout.compareTo(Duration.ofMillis(500)) < 0 || writeTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("lapse.request.write-timeout must be PT0.5S..PT60S, got " + writeTimeout);
        }
        if (verdictTimeout.isNegative() || verdictTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("lapse.request.verdict-timeout must be PT0S..PT60S, got "
                    + verdictTimeout);
        }
    }

    SubmissionValidator.Options toOptions() {
        return new SubmissionValidator.Options(maxDuration);
    }
}
