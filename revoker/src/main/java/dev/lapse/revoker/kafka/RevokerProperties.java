package dev.lapse.revoker.kafka;

import dev.lapse.revoker.expiry.ExpirySchedule;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of the revoker, under {@code lapse.revoker}; the defaults expire a grant within ~10 ms of its time. */
@ConfigurationProperties("lapse.revoker")
record RevokerProperties(@DefaultValue("10") long tickMs, @DefaultValue("512") int wheelSize) {

    RevokerProperties {
        if (tickMs < 1 || tickMs > 1000) {
            throw new IllegalArgumentException("lapse.revoker.tick-ms must be 1..1000, got " + tickMs);
        }
        if (wheelSize < 2 || wheelSize > 65_536) {
            throw new IllegalArgumentException("lapse.revoker.wheel-size must be 2..65536, got " + wheelSize);
        }
    }

    ExpirySchedule.Options toOptions() {
        return new ExpirySchedule.Options(tickMs, wheelSize);
    }
}
