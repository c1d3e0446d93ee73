package dev.lapse.request.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.request.kafka.WriteUnavailableException;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * What {@link AsyncAnswers} writes, and when: the value or the failure of the future, once, never before the first
 * dispatch has returned, or a 503 at timeout.
 */
class AsyncAnswersTest {

    private final AsyncAnswers answers = new AsyncAnswers(() -> List.of(new JacksonJsonHttpMessageConverter()),
            new ProblemResponses());
    private MockHttpServletRequest request;
    private MockHttpServletResponse response;

    @BeforeEach
    void call() {
        request = new MockHttpServletRequest("POST", "/v1/requests");
        request.setAsyncSupported(true);
        response = new MockHttpServletResponse();
    }

    @Test
    void aValue_isWrittenAsItIs_once_thenTheCallCompletes() throws Exception {
        CompletableFuture<ResponseEntity<?>> answer = new CompletableFuture<>();
        answers.answerWhenDone(request, response, answer, Duration.ofSeconds(8));
        AsyncAnswers.dispatchReturned(request);

        assertThat(request.isAsyncStarted()).isTrue();
        assertThat(((MockAsyncContext) request.getAsyncContext()).getTimeout()).isEqualTo(13_000);
        assertThat(response.getContentAsString()).isEmpty();

        answer.complete(ResponseEntity.accepted().location(URI.create("/v1/requests/r-1"))
                .body(Map.of("requestId", "r-1", "status", "REQUESTED")));

        assertThat(request.isAsyncStarted()).isFalse();
        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(response.getHeader("Location")).isEqualTo("/v1/requests/r-1");
        assertThat(response.getContentType()).startsWith("application/json");
        assertThat(response.getContentAsString()).contains("\"requestId\":\"r-1\"").contains("\"status\":\"REQUESTED\"");
    }

    @Test
    void aFailure_isTheProblemItsHandlerGives_withTheCallsPathAsInstance() throws Exception {
        CompletableFuture<ResponseEntity<?>> answer = new CompletableFuture<>();
        answers.answerWhenDone(request, response, answer.thenApply(entity -> {
            throw new InvalidRequestException(List.of("resource.kind 'nope' is unknown"));
        }), Duration.ofSeconds(8));
        AsyncAnswers.dispatchReturned(request);

        answer.complete(ResponseEntity.ok().build());

        assertThat(request.isAsyncStarted()).isFalse();
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        // The problem's own properties stand beside its fields, as Spring's handler path writes them.
        assertThat(response.getContentAsString())
                .contains("\"title\":\"Invalid access request\"")
                .contains("\"instance\":\"/v1/requests\"")
                .contains("\"violations\":[\"resource.kind 'nope' is unknown\"]")
                .doesNotContain("\"properties\"");
    }

    @Test
    void anAnswerThatCameBeforeTheDispatchReturned_isWrittenOnlyOnceItHas() throws Exception {
        CompletableFuture<ResponseEntity<?>> answer = CompletableFuture.failedFuture(
                new WriteUnavailableException("cannot write to lapse.access.submitted now: broker down",
                        Duration.ofSeconds(5), new IOException("connection refused")));

        answers.answerWhenDone(request, response, answer, Duration.ofSeconds(8));

        // The filters are still unwinding: nothing is written yet.
        assertThat(request.isAsyncStarted()).isTrue();
        assertThat(response.isCommitted()).isFalse();
        assertThat(response.getContentAsString()).isEmpty();

        AsyncAnswers.dispatchReturned(request);

        assertThat(request.isAsyncStarted()).isFalse();
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(response.getContentType()).startsWith("application/problem+json");
    }

    @Test
    void atTimeout_theCallIsAnswered503_andALateValueIsNotWrittenAfterIt() throws Exception {
        CompletableFuture<ResponseEntity<?>> answer = new CompletableFuture<>();
        answers.answerWhenDone(request, response, answer, Duration.ofSeconds(8));
        AsyncAnswers.dispatchReturned(request);
        MockAsyncContext async = (MockAsyncContext) request.getAsyncContext();

        for (AsyncListener listener : List.copyOf(async.getListeners())) {
            listener.onTimeout(new AsyncEvent(async));
        }
        String timedOut = response.getContentAsString();
        answer.complete(ResponseEntity.accepted().body(Map.of("requestId", "r-late")));

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString()).isEqualTo(timedOut).doesNotContain("r-late");
    }
}
