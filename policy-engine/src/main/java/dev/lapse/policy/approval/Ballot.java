package dev.lapse.policy.approval;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One vote as delivered: the event that carried it, who voted with the groups they were in when they voted, approve
 * or deny, an optional comment, and when it was cast (kept to the millisecond, as events carry it).
 */
public record Ballot(String eventId, String voterId, Set<String> voterGroups, Choice choice,
        @Nullable String comment, Instant castAt) {

    /** What the voter said. */
    public enum Choice {
        APPROVE,
        DENY
    }

    public Ballot {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(voterId, "voterId");
        if (eventId.isBlank() || voterId.isBlank()) {
            throw new IllegalArgumentException("eventId and voterId must not be blank");
        }
        voterGroups = ApprovalRequirement.sorted(voterGroups);
        Objects.requireNonNull(choice, "choice");
        castAt = castAt.truncatedTo(ChronoUnit.MILLIS);
    }
}
