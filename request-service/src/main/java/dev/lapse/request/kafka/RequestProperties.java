package dev.lapse.request.kafka;

import dev.lapse.request.submission.SourceTrust;
import dev.lapse.request.submission.SubmissionValidator;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of request-service, under {@code lapse.request}.
 *
 * @param maxDuration the longest access a request may ask for
 * @param restWrite how long a REST submission or revocation may wait for Kafka before it is answered 503
 * @param verdictTimeout how long a REST submission waits for the gate's verdict before it is answered 202 with the
 *     verdict still to come in its timeline
 * @param timelineMaxRequests how many of the most recent requests the timeline read model keeps (older ones answer
 *     404; the audit log keeps everything)
 * @param ingress who may submit on {@code lapse.access.submitted}
 */
@ConfigurationProperties("lapse.request")
public record RequestProperties(@DefaultValue("PT12H") Duration maxDuration, @DefaultValue RestWrite restWrite,
        @DefaultValue("PT5S") Duration verdictTimeout, @DefaultValue("100000") int timelineMaxRequests,
        @DefaultValue Ingress ingress) {

    public RequestProperties {
        if (maxDuration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("lapse.request.max-duration must be at least PT1S, got " + maxDuration);
        }
        if (verdictTimeout.isNegative() || verdictTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("lapse.request.verdict-timeout must be PT0S..PT60S, got "
                    + verdictTimeout);
        }
        if (timelineMaxRequests < 1) {
            throw new IllegalArgumentException("lapse.request.timeline-max-requests must be at least 1, got "
                    + timelineMaxRequests);
        }
    }

    SubmissionValidator.Options toOptions() {
        return new SubmissionValidator.Options(maxDuration);
    }

    /**
     * The Kafka ingress.
     *
     * @param trustedSystems the source systems whose submissions may name a requester; any other's is parked (none by
     *     default: a system must be named here before it can ask for anyone's access). Kafka ACLs on the topic are
     *     what authenticate the writing system.
     */
    public record Ingress(@DefaultValue List<String> trustedSystems) {

        public Ingress {
            trustedSystems = trustedSystems == null ? List.of() : List.copyOf(trustedSystems);
            for (String system : trustedSystems) {
                if (system.isBlank()) {
                    throw new IllegalArgumentException("lapse.request.ingress.trusted-systems must name systems, got"
                            + " a blank name in " + trustedSystems);
                }
            }
        }

        SourceTrust toTrust() {
            return new SourceTrust(Set.copyOf(trustedSystems));
        }
    }

    /**
     * Bounds on a REST write, so a caller is answered within seconds when the broker or the registry is down. The
     * registry client has its own timeouts (2 s to connect, 3 s per call); a first write of a schema pays them.
     *
     * @param maxBlock the producer's {@code max.block.ms}: waiting for metadata or buffer space
     * @param requestTimeout the producer's {@code request.timeout.ms}: one produce request
     * @param deliveryTimeout the producer's {@code delivery.timeout.ms}: the whole send, retries included
     * @param retryAfter what the 503 answer's {@code Retry-After} header suggests
     */
    public record RestWrite(
            @DefaultValue("PT2S") Duration maxBlock,
            @DefaultValue("PT2S") Duration requestTimeout,
            @DefaultValue("PT3S") Duration deliveryTimeout,
            @DefaultValue("PT5S") Duration retryAfter) {

        public RestWrite {
            if (maxBlock.isNegative() || maxBlock.isZero()) {
                throw new IllegalArgumentException("lapse.request.rest-write.max-block must be positive, got "
                        + maxBlock);
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("lapse.request.rest-write.request-timeout must be positive, got "
                        + requestTimeout);
            }
            if (deliveryTimeout.compareTo(requestTimeout) < 0) {
                throw new IllegalArgumentException("lapse.request.rest-write.delivery-timeout must be at least "
                        + "lapse.request.rest-write.request-timeout (" + requestTimeout + "), got "
                        + deliveryTimeout);
            }
            if (retryAfter.toSeconds() < 1) {
                throw new IllegalArgumentException("lapse.request.rest-write.retry-after must be at least PT1S, got "
                        + retryAfter);
            }
        }
    }
}
