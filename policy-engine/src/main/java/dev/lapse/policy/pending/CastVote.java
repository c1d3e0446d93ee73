package dev.lapse.policy.pending;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One vote as its event carried it: who voted, with the groups their verified identity gave them, what they said,
 * their comment, and when they voted.
 */
public record CastVote(String eventId, String voterId, Set<String> voterGroups, Choice choice, @Nullable String comment,
        Instant castAt) {

    /** What the voter said: an approver approves or denies; the requester may only withdraw. */
    public enum Choice {
        APPROVE,
        DENY,
        WITHDRAW
    }

    public CastVote {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(voterId, "voterId");
        if (eventId.isBlank() || voterId.isBlank()) {
            throw new IllegalArgumentException("a vote needs an event id and a voter");
        }
        voterGroups = Set.copyOf(voterGroups);
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(castAt, "castAt");
    }
}
