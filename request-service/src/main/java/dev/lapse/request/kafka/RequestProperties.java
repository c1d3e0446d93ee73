package dev.lapse.request.kafka;

import dev.lapse.request.submission.SubmissionValidator;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of request-service, under {@code lapse.request}. */
@ConfigurationProperties("lapse.request")
public record RequestProperties(@DefaultValue("PT12H") Duration maxDuration) {

    public RequestProperties {
        if (maxDuration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("lapse.request.max-duration must be at least PT1S, got " + maxDuration);
        }
    }

    SubmissionValidator.Options toOptions() {
        return new SubmissionValidator.Options(maxDuration);
    }
}
