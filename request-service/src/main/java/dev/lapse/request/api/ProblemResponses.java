package dev.lapse.request.api;

import dev.lapse.request.kafka.KafkaUnavailableException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * RFC 7807 bodies for every error: the violations of an invalid request, conflicts, and (through Spring's own
 * handler) malformed JSON and wrong methods. Never a stack trace.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    @ExceptionHandler(InvalidRequestException.class)
    ProblemDetail invalid(InvalidRequestException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The request breaks " + e.violations().size() + " rule(s): " + e.getMessage());
        problem.setTitle("Invalid access request");
        problem.setType(URI.create("https://lapse.dev/problems/invalid-request"));
        problem.setProperty("violations", e.violations());
        return problem;
    }

    /** Kafka or the registry is away: the client should retry, with the same requestId so a retry is never doubled. */
    @ExceptionHandler(KafkaUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(KafkaUnavailableException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()
                + ". Retry later with the same requestId: a request is accepted once, whatever the retries.");
        problem.setTitle("Lapse cannot take requests right now");
        problem.setType(URI.create("https://lapse.dev/problems/unavailable"));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @ExceptionHandler(RequestConflictException.class)
    ProblemDetail conflict(RequestConflictException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Request already exists");
        problem.setType(URI.create("https://lapse.dev/problems/duplicate-request"));
        return problem;
    }
}
