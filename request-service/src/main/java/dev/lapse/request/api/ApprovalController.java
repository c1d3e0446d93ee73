package dev.lapse.request.api;

import dev.lapse.request.approval.Choice;
import dev.lapse.request.approval.Extension;
import dev.lapse.request.approval.GrantGate;
import dev.lapse.request.approval.Verdict;
import dev.lapse.request.approval.VoteGate;
import dev.lapse.request.identity.Caller;
import dev.lapse.request.kafka.RequestPublisher;
import dev.lapse.request.kafka.SubmissionVerdicts;
import dev.lapse.request.submission.Submission;
import dev.lapse.request.submission.SubmissionValidator;
import dev.lapse.request.timeline.RequestTimeline;
import dev.lapse.request.timeline.TimelineBook;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Approvals and self-service: vote on a pending request, see what waits for my vote, withdraw my pending request,
 * end my grant early, extend it. Each is checked against the request's timeline first, so a person is told 403 or
 * 409 at once; the policy-engine counts votes by the same rules again, whoever writes them.
 */
@RestController
class ApprovalController {

    private final RequestPublisher publisher;
    private final TimelineBook timelines;
    private final SubmissionValidator validator;
    private final Clock clock;

    ApprovalController(RequestPublisher publisher, TimelineBook timelines, SubmissionValidator validator,
            Clock clock) {
        this.publisher = publisher;
        this.timelines = timelines;
        this.validator = validator;
        this.clock = clock;
    }

    /** Body of a vote: {@code approve} or {@code deny}, with an optional comment. */
    record VoteBody(@Nullable String decision, @Nullable String comment) {
    }

    /** Body of a withdrawal, an early end or an extension; {@code duration} only for an extension. */
    record SelfServiceBody(@Nullable String reason, @Nullable String ticket, @Nullable String duration) {
    }

    @PostMapping("/v1/requests/{requestId}/votes")
    CompletableFuture<ResponseEntity<?>> vote(@PathVariable String requestId, Caller caller,
            @RequestBody(required = false) @Nullable VoteBody body) {
        String decision = body == null || body.decision() == null ? "" : body.decision().toLowerCase(Locale.ROOT);
        Choice choice = switch (decision) {
            case "approve" -> Choice.APPROVE;
            case "deny" -> Choice.DENY;
            default -> null;
        };
        if (choice == null || body == null) {
            throw new InvalidRequestException(List.of("decision must be approve or deny"));
        }
        return cast(requestId, caller, choice, body.comment());
    }

    @PostMapping("/v1/requests/{requestId}/withdraw")
    CompletableFuture<ResponseEntity<?>> withdraw(@PathVariable String requestId, Caller caller,
            @RequestBody(required = false) @Nullable SelfServiceBody body) {
        return cast(requestId, caller, Choice.WITHDRAW, body == null ? null : body.reason());
    }

    private CompletableFuture<ResponseEntity<?>> cast(String requestId, Caller caller, Choice choice,
            @Nullable String comment) {
        Optional<RequestTimeline> timeline = timelines.find(requestId);
        if (timeline.isEmpty()) {
            return CompletableFuture.completedFuture(refusal(new Verdict.Refused(Verdict.Refusal.UNKNOWN,
                    "No request " + requestId + " is known.")));
        }
        Verdict verdict = VoteGate.check(timeline.get(), caller, choice, clock.instant());
        if (verdict instanceof Verdict.Refused refused) {
            return CompletableFuture.completedFuture(refusal(refused));
        }
        return publisher.vote(requestId, caller, choice, comment).thenApply(voteId ->
                ResponseEntity.accepted().body(Map.of("requestId", requestId, "voteId", voteId,
                        "vote", choice.name(), "timeline", "/v1/requests/" + requestId)));
    }

    /** The requests waiting for votes that the caller may cast: never their own, never one they voted on. */
    @GetMapping("/v1/approvals")
    List<RequestTimeline> inbox(Caller caller) {
        return VoteGate.inbox(timelines.awaitingVotes(), caller, clock.instant());
    }

    @PostMapping("/v1/grants/{grantId}/done")
    ResponseEntity<?> done(@PathVariable String grantId, Caller caller,
            @RequestBody(required = false) @Nullable SelfServiceBody body) {
        Optional<RequestTimeline> timeline = grantTimeline(grantId);
        if (timeline.isEmpty()) {
            return refusal(new Verdict.Refused(Verdict.Refusal.UNKNOWN, "No grant " + grantId + " is known."));
        }
        if (GrantGate.check(timeline.get(), caller, clock.instant()) instanceof Verdict.Refused refused) {
            return refusal(refused);
        }
        String requestId = timeline.get().requestId();
        String reason = body == null || body.reason() == null || body.reason().isBlank()
                ? "done: ended early by the requester" : "done: " + body.reason();
        publisher.revoke(requestId, grantId, caller.id(), reason);
        return ResponseEntity.accepted().body(Map.of("grantId", grantId, "requestId", requestId,
                "status", "REVOCATION_REQUESTED", "timeline", "/v1/requests/" + requestId));
    }

    @PostMapping("/v1/grants/{grantId}/extend")
    CompletableFuture<ResponseEntity<?>> extend(@PathVariable String grantId, Caller caller,
            @RequestBody(required = false) @Nullable SelfServiceBody body) {
        Optional<RequestTimeline> timeline = grantTimeline(grantId);
        if (timeline.isEmpty()) {
            return CompletableFuture.completedFuture(refusal(new Verdict.Refused(Verdict.Refusal.UNKNOWN,
                    "No grant " + grantId + " is known.")));
        }
        if (GrantGate.check(timeline.get(), caller, clock.instant()) instanceof Verdict.Refused refused) {
            return CompletableFuture.completedFuture(refusal(refused));
        }
        Duration duration = null;
        if (body != null && body.duration() != null && !body.duration().isBlank()) {
            try {
                duration = Duration.parse(body.duration());
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException(List.of("duration '" + body.duration()
                        + "' is not an ISO-8601 duration such as PT30M"));
            }
        }
        Submission extension = Extension.of(timeline.get(), caller, duration, body == null ? null : body.reason(),
                body == null ? null : body.ticket());
        List<String> violations = validator.violations(extension);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return publisher.submit(extension).thenApply(submitted -> {
            if (submitted.verdict().orElse(null) instanceof SubmissionVerdicts.Verdict.Rejected rejected) {
                throw new InvalidRequestException(rejected.violations());
            }
            URI location = URI.create("/v1/requests/" + submitted.requestId());
            return ResponseEntity.accepted().location(location).body(Map.of("requestId", submitted.requestId(),
                    "extends", grantId, "submittedAt", submitted.at().toString(), "timeline", location.toString()));
        });
    }

    private Optional<RequestTimeline> grantTimeline(String grantId) {
        return timelines.requestOfGrant(grantId).flatMap(timelines::find);
    }

    private static ResponseEntity<?> refusal(Verdict.Refused refused) {
        HttpStatus status = switch (refused.refusal()) {
            case UNKNOWN -> HttpStatus.NOT_FOUND;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case TOO_LATE -> HttpStatus.CONFLICT;
        };
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, refused.reason());
        problem.setTitle(switch (refused.refusal()) {
            case UNKNOWN -> "Not found";
            case FORBIDDEN -> "Not allowed";
            case TOO_LATE -> "No longer possible";
        });
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
