package dev.lapse.request.api;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
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

    @ExceptionHandler(RequestConflictException.class)
    ProblemDetail conflict(RequestConflictException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Request already exists");
        return problem;
    }
}
