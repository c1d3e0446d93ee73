package dev.lapse.request.submission;

import java.util.Optional;
import java.util.Set;

/**
 * Which submitting systems may name a requester. A REST submission ({@value #REST}) names the caller its verified
 * token names, so request-service trusts its own; another system on {@code lapse.access.submitted} is trusted only
 * when it is listed in {@code lapse.request.ingress.trusted-systems} (none by default: privacy by default).
 *
 * <p>{@code sourceSystem} is what a record says about itself, not a proof: Kafka ACLs on the topic (WRITE for
 * request-service's principal and for the trusted systems' principals only) are what authenticate the writer.
 */
public final class SourceTrust {

    /** The source system of submissions made over REST, by request-service itself. */
    public static final String REST = "rest";

    private final Set<String> trusted;

    /** Trusts REST and the {@code trusted} systems. */
    public SourceTrust(Set<String> trusted) {
        this.trusted = Set.copyOf(trusted);
    }

    /** Why a submission from {@code sourceSystem} may not name its requester, or empty when it may. */
    public Optional<String> refusal(String sourceSystem) {
        if (REST.equals(sourceSystem) || trusted.contains(sourceSystem)) {
            return Optional.empty();
        }
        return Optional.of("source system " + sourceSystem + " is not trusted to name requesters"
                + " (lapse.request.ingress.trusted-systems)");
    }
}
