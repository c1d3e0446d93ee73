package dev.lapse.request.kafka;

import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ApprovalVoteCast;
import dev.lapse.event.RevocationRequested;
import dev.lapse.event.Vote;
import dev.lapse.request.approval.Choice;
import dev.lapse.request.identity.Caller;
import dev.lapse.request.submission.Submission;
import dev.lapse.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Writes what people submit over REST. A submission goes to {@code lapse.access.submitted}, like any other
 * system's, so the one gate decides it; the call then waits (bounded) for that gate's verdict. A write that cannot
 * be made now throws {@link WriteUnavailableException} within seconds (503).
 */
@Component
public class RequestPublisher {

    private final RestProducer kafka;
    private final SubmissionVerdicts verdicts;
    private final Clock clock;
    private final Duration verdictTimeout;
    private final Duration longestSubmission;

    RequestPublisher(RestProducer kafka, SubmissionVerdicts verdicts, Clock clock, RequestProperties properties) {
        this.kafka = kafka;
        this.verdicts = verdicts;
        this.clock = clock;
        this.verdictTimeout = properties.verdictTimeout();
        this.longestSubmission = properties.restWrite().deliveryTimeout().plus(verdictTimeout);
    }

    /** The longest a future of {@link #submit} takes to complete once it is returned: Kafka's answer, then the gate's. */
    public Duration longestSubmission() {
        return longestSubmission;
    }

    /**
     * Writes a validated submission and waits for the gate's verdict, holding no thread meanwhile: a REST call
     * waits tens of milliseconds for the gate, so blocking a server thread per call would cap REST submissions at
     * (threads / latency), about 2,000 a second with Tomcat's 200 threads.
     *
     * @return the request's id and time, and the verdict, or no verdict when none came within
     *     {@code lapse.request.verdict-timeout} (the submission is written all the same; its timeline shows it); fails
     *     with a {@link WriteUnavailableException} if Kafka or the registry cannot take the record now
     */
    public CompletableFuture<Submitted> submit(Submission submission) {
        String requestId = submission.requestId() != null ? submission.requestId() : UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        Instant at = clock.instant();
        AccessRequested event = AvroMapping.submissionEvent(submission, requestId, eventId, at,
                new Actor(ActorKind.USER, submission.requesterId()));
        CompletableFuture<SubmissionVerdicts.Verdict> verdict = verdicts.expect(eventId);
        return kafka.sendAsync(Topics.ACCESS_SUBMITTED.name(), requestId, event)
                .thenCompose(written -> verdict.thenApply(Optional::of)
                        .completeOnTimeout(Optional.empty(), verdictTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .thenApply(decided -> new Submitted(requestId, at, decided))
                .whenComplete((submitted, failure) -> verdicts.forget(eventId));
    }

    /** Asks the revoker to end a grant now. */
    public void revoke(String requestId, String grantId, String by, String reason) {
        RevocationRequested event = RevocationRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRequestId(requestId)
                .setGrantId(grantId)
                .setOccurredAt(clock.instant())
                .setCausedBy(new Actor(ActorKind.USER, by))
                .setReason(reason)
                .build();
        kafka.send(Topics.REVOCATION_REQUESTED.name(), requestId, event);
    }

    /**
     * Writes a vote (or the requester's withdrawal) on a pending request, with the voter's groups as their verified
     * identity says, not as any body claims; completes once Kafka has it.
     *
     * @return the vote's event id
     */
    public CompletableFuture<String> vote(String requestId, Caller voter, Choice choice, @Nullable String comment) {
        String eventId = UUID.randomUUID().toString();
        ApprovalVoteCast event = ApprovalVoteCast.newBuilder()
                .setEventId(eventId)
                .setRequestId(requestId)
                .setOccurredAt(clock.instant())
                .setCausedBy(new Actor(ActorKind.USER, voter.id()))
                .setVoter(voter.id())
                .setVote(Vote.valueOf(choice.name()))
                .setComment(comment)
                .setVoterGroups(List.copyOf(voter.groups()))
                .build();
        return kafka.sendAsync(Topics.APPROVAL_VOTES.name(), requestId, event).thenApply(written -> eventId);
    }

    /** A submission Kafka has taken: its id, when, and the gate's verdict if it came in time. */
    public record Submitted(String requestId, Instant at, Optional<SubmissionVerdicts.Verdict> verdict) {
    }
}
