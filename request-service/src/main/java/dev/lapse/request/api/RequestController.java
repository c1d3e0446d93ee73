package dev.lapse.request.api;

import dev.lapse.request.identity.Caller;
import dev.lapse.request.identity.RequestAccess;
import dev.lapse.request.kafka.RequestPublisher;
import dev.lapse.request.kafka.SubmissionVerdicts;
import dev.lapse.request.submission.SourceTrust;
import dev.lapse.request.submission.Submission;
import dev.lapse.request.submission.SubmissionValidator;
import dev.lapse.request.timeline.RequestTimeline;
import dev.lapse.request.timeline.TimelineBook;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The REST API: submit a request, read its timeline, revoke a grant. A submission is answered 202 once Kafka has
 * it and the gate has judged it (or {@code lapse.request.verdict-timeout} passed), by {@link AsyncAnswers}, so no
 * server thread waits meanwhile; its timeline follows within milliseconds at {@code /v1/requests/{id}}. Every call
 * has a verified {@link Caller} (see {@code dev.lapse.request.security}); what the caller may do is
 * {@link RequestAccess}'s: the requester of a submission is the caller, with the caller's groups; a request is seen
 * by its requester, the members of its approver groups and admins (404 to anyone else); a grant is revoked by its
 * requester or an admin.
 */
@RestController
class RequestController {

    private final SubmissionValidator validator;
    private final RequestPublisher publisher;
    private final TimelineBook timelines;
    private final RequestAccess access;
    private final AsyncAnswers answers;

    RequestController(SubmissionValidator validator, RequestPublisher publisher, TimelineBook timelines,
            RequestAccess access, AsyncAnswers answers) {
        this.validator = validator;
        this.publisher = publisher;
        this.timelines = timelines;
        this.access = access;
        this.answers = answers;
    }

    @PostMapping("/v1/requests")
    void submit(@RequestBody SubmitRequestBody body, Caller caller, HttpServletRequest request,
            HttpServletResponse response) {
        String named = body.requester() == null || body.requester().id() == null || body.requester().id().isBlank()
                ? null : body.requester().id();
        access.submissionRefusal(caller, named).ifPresent(why -> {
            throw new ForbiddenException(why);
        });
        List<String> violations = new ArrayList<>();
        Duration duration = duration(body.duration(), violations);
        // The requester and its groups are the token's; groups named in the body are not looked at.
        boolean bundle = body.bundle() != null;
        if (bundle && body.resource() != null) {
            violations.add("give either a resource and its scope, or a bundle");
        }
        Submission submission = new Submission(body.requestId(), caller.id(), List.copyOf(caller.groups()),
                bundle ? SubmissionValidator.BUNDLE : body.resource() == null ? null : body.resource().kind(),
                bundle ? body.bundle() : body.resource() == null ? null : body.resource().name(),
                body.scope() == null ? null : body.scope().actions(),
                body.scope() == null ? null : body.scope().columns(),
                body.scope() == null ? null : body.scope().rowFilter(),
                body.reason(), body.ticket(), duration, SourceTrust.REST, Boolean.TRUE.equals(body.breakGlass()),
                null);
        violations.addAll(validator.violations(submission));
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        // A fast answer for an id the read model already shows; the gate below is what decides, race-free.
        if (submission.requestId() != null && timelines.find(submission.requestId()).isPresent()) {
            throw new RequestConflictException(submission.requestId());
        }
        answers.answerWhenDone(request, response, publisher.submit(submission).thenApply(RequestController::answer),
                publisher.longestSubmission());
    }

    private static ResponseEntity<Map<String, Object>> answer(RequestPublisher.Submitted submitted) {
        if (submitted.verdict().orElse(null) instanceof SubmissionVerdicts.Verdict.Rejected rejected) {
            if (rejected.duplicate()) {
                throw new RequestConflictException(submitted.requestId());
            }
            throw new InvalidRequestException(rejected.violations());
        }
        URI location = URI.create("/v1/requests/" + submitted.requestId());
        return ResponseEntity.accepted().location(location).body(Map.of(
                "requestId", submitted.requestId(),
                // REQUESTED: the gate accepted it; SUBMITTED: written, and the verdict will show in the timeline.
                "status", submitted.verdict().isPresent() ? "REQUESTED" : "SUBMITTED",
                "submittedAt", submitted.at().toString(),
                "timeline", location.toString()));
    }

    @GetMapping("/v1/requests/{requestId}")
    ResponseEntity<?> timeline(@PathVariable String requestId, Caller caller) {
        // A request the caller may not see answers exactly as one that does not exist.
        return timelines.find(requestId)
                .filter(timeline -> access.mayRead(caller, timeline.requesterId(), timeline.approverGroups()))
                .<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(() -> notFound("No request " + requestId + " is known (yet): a request just submitted"
                        + " shows up within milliseconds."));
    }

    /** The caller's own most recent requests; an admin's lists everyone's. */
    @GetMapping("/v1/requests")
    List<RequestTimeline> recent(@RequestParam(defaultValue = "20") int limit, Caller caller) {
        int bounded = Math.max(1, Math.min(limit, 200));
        return access.seesEveryRequest(caller) ? timelines.recent(bounded)
                : timelines.recent(bounded, timeline -> caller.id().equals(timeline.requesterId()));
    }

    @PostMapping("/v1/grants/{grantId}/revoke")
    ResponseEntity<?> revoke(@PathVariable String grantId, @RequestBody(required = false) @Nullable RevokeBody body,
            Caller caller) {
        String reason = body == null || body.reason() == null || body.reason().isBlank()
                ? "revoked before its time" : body.reason();
        return timelines.requestOfGrant(grantId).<ResponseEntity<?>>map(requestId -> {
            String requester = timelines.find(requestId).map(RequestTimeline::requesterId).orElse(null);
            if (!access.mayRevoke(caller, requester)) {
                throw new ForbiddenException(caller.id() + " may not end grant " + grantId + ": only its requester"
                        + " or a member of " + access.adminGroup() + " may");
            }
            publisher.revoke(requestId, grantId, caller.id(), reason);
            return ResponseEntity.accepted().body(Map.of("grantId", grantId, "requestId", requestId,
                    "status", "REVOCATION_REQUESTED", "revokedBy", caller.id(),
                    "timeline", "/v1/requests/" + requestId));
        }).orElseGet(() -> notFound("No grant " + grantId + " is known."));
    }

    /** Body of a revocation: why. Who revokes is the caller, whatever a body says. */
    record RevokeBody(@Nullable String reason) {
    }

    private static @Nullable Duration duration(@Nullable String text, List<String> violations) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            violations.add("duration '" + text + "' is not an ISO-8601 duration such as PT30S or PT2H");
            return Duration.ZERO;
        }
    }

    private static ResponseEntity<ProblemDetail> notFound(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail);
        problem.setTitle("Not found");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }
}
