package dev.lapse.request.api;

import dev.lapse.request.kafka.WriteUnavailableException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * RFC 7807 bodies for every error: the violations of an invalid request, conflicts, what the caller may not do
 * (403; a missing or refused token is answered before any controller, by the security package), a write Kafka
 * cannot take now (503 with {@code Retry-After}), and (through Spring's own handler) malformed JSON and wrong
 * methods. Anything unexpected is a 500 problem whose details stay in the log. Never a stack trace.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    // Spring MVC's own lookup of this class's @ExceptionHandler methods (the most specific exception type wins), so
    // that a call answered asynchronously gets the very handler a synchronous one would: no second list to keep.
    private static final ExceptionHandlerMethodResolver HANDLERS =
            new ExceptionHandlerMethodResolver(ProblemResponses.class);

    /**
     * The answer to a failure of a call answered asynchronously by {@link AsyncAnswers}: what this class's handler
     * for that exception gives.
     */
    ResponseEntity<?> answer(Throwable failure) {
        Exception exception = failure instanceof Exception e ? e : new IllegalStateException(failure);
        Method handler = HANDLERS.resolveMethod(exception);
        // Only Spring's inherited handlers take more than the exception (a WebRequest): they answer MVC's own
        // exceptions, which no future of a submission fails with.
        if (handler == null || handler.getParameterCount() != 1) {
            return unexpected(exception);
        }
        Object answer;
        try {
            ReflectionUtils.makeAccessible(handler);
            answer = handler.invoke(this, exception);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return unexpected(exception);
        }
        return answer instanceof ProblemDetail problem
                ? ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(problem)
                : (ResponseEntity<?>) answer;
    }

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
        problem.setType(URI.create("https://lapse.dev/problems/duplicate-request"));
        return problem;
    }

    @ExceptionHandler(ForbiddenException.class)
    ResponseEntity<ProblemDetail> forbidden(ForbiddenException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, e.getMessage());
        problem.setTitle("Not allowed");
        problem.setType(URI.create("https://lapse.dev/problems/forbidden"));
        return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** A controller reached without a verified caller: never served anonymously. */
    @ExceptionHandler(AuthenticationException.class)
    ResponseEntity<ProblemDetail> unauthenticated(AuthenticationException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED,
                "This needs a bearer token: send Authorization: Bearer <JWT>.");
        problem.setTitle("Not authenticated");
        problem.setType(URI.create("https://lapse.dev/problems/unauthenticated"));
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @ExceptionHandler(WriteUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(WriteUnavailableException e) {
        log.warn("Answered 503: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "Lapse could not record this now: " + e.unavailable() + ". Try again in "
                        + e.retryAfter().toSeconds() + " s.");
        problem.setTitle("Temporarily unavailable");
        problem.setType(URI.create("https://lapse.dev/problems/unavailable"));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfter().toSeconds()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Answered 500", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "Lapse failed to handle this request; the details are in its log.");
        problem.setTitle("Internal error");
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
