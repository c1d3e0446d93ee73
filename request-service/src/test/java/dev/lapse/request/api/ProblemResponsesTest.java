package dev.lapse.request.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.web.HttpRequestMethodNotSupportedException;

/** A failure answered asynchronously gets what the same exception's {@code @ExceptionHandler} gives. */
class ProblemResponsesTest {

    private final ProblemResponses problems = new ProblemResponses();

    @Test
    void eachHandledException_isAnsweredByItsHandler() {
        assertProblem(problems.answer(new InvalidRequestException(List.of("reason is missing"))), 400,
                "Invalid access request");
        assertProblem(problems.answer(new RequestConflictException("r-1")), 409, "Request already exists");
        assertProblem(problems.answer(new ForbiddenException("alice may not name bob")), 403, "Not allowed");
        ResponseEntity<?> unauthenticated = problems.answer(new InsufficientAuthenticationException("no token"));
        assertProblem(unauthenticated, 401, "Not authenticated");
        assertThat(unauthenticated.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo("Bearer");
    }

    @Test
    void anythingElse_isA500ProblemWithoutItsDetails() {
        assertProblem(problems.answer(new IllegalStateException("secret detail")), 500, "Internal error");
        assertProblem(problems.answer(new AssertionError("an Error, not an Exception")), 500, "Internal error");
        // Spring's inherited handlers of MVC's own exceptions need the web request, which an async answer has not.
        assertProblem(problems.answer(new HttpRequestMethodNotSupportedException("PATCH")), 500,
                "Internal error");
        assertThat(((ProblemDetail) problems.answer(new IllegalStateException("secret detail")).getBody())
                .getDetail()).doesNotContain("secret detail");
    }

    private static void assertProblem(ResponseEntity<?> answer, int status, String title) {
        assertThat(answer.getStatusCode().value()).isEqualTo(status);
        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(answer.getBody()).isInstanceOfSatisfying(ProblemDetail.class,
                problem -> assertThat(problem.getTitle()).isEqualTo(title));
    }
}
