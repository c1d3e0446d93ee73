package dev.lapse.request.api;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Answers a REST call whose answer comes later (a submission waits for Kafka and for the gate's verdict) without
 * holding a server thread and without a second pass through the server: the answer is written by a task on the
 * server's executor once the future has completed and the first dispatch has returned. Spring MVC's own async return
 * values ({@code CompletableFuture}, {@code DeferredResult}) dispatch the request again through Tomcat's valves,
 * every filter (Spring Security's chain included) and the {@code DispatcherServlet} just to write it: in a JFR
 * profile of a REST burst on the project's 2-core machine that second pass was 40% of the server threads' samples,
 * and without it they took 20–30% less CPU per submission at like rates (2026-11-30, README's Latency section).
 *
 * <p>The answer is the same as Spring's would be: written with MVC's own message converters, failures mapped by
 * {@link ProblemResponses} to the same RFC 7807 bodies (with the request's path as {@code instance}, as Spring sets
 * it), and the observation and security filters see an ordinary async request that completes.
 */
@Component
class AsyncAnswers {

    private static final Logger log = LoggerFactory.getLogger(AsyncAnswers.class);
    private static final String HANDOVER = AsyncAnswers.class.getName() + ".handover";

    private final Supplier<List<HttpMessageConverter<?>>> mvcConverters;
    private final ProblemResponses problems;
    private volatile @Nullable List<HttpMessageConverter<?>> converters;

    @Autowired
    AsyncAnswers(ObjectProvider<RequestMappingHandlerAdapter> mvc, ProblemResponses problems) {
        // Looked up at the first answer: the adapter is built after the controllers that use this.
        this(() -> mvc.getObject().getMessageConverters(), problems);
    }

    /** @param mvcConverters the message converters Spring MVC writes answers with */
    AsyncAnswers(Supplier<List<HttpMessageConverter<?>>> mvcConverters, ProblemResponses problems) {
        this.mvcConverters = mvcConverters;
        this.problems = problems;
    }

    /**
     * Puts the call in async mode and answers it once {@code answer} completes: its value as it is, a failure as
     * {@link ProblemResponses} answers that exception. Call it last in the handler, which returns {@code void}.
     *
     * @param atMost the longest {@code answer} can take; a call still unanswered this long after (plus a margin) is
     *     answered 503 rather than left open
     */
    void answerWhenDone(HttpServletRequest request, HttpServletResponse response,
            CompletableFuture<? extends ResponseEntity<?>> answer, Duration atMost) {
        AsyncContext async = request.startAsync(request, response);
        // The future bounds itself; this only guards against a future that never completes.
        async.setTimeout(atMost.plusSeconds(5).toMillis());
        AtomicBoolean answered = new AtomicBoolean();
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                if (answered.compareAndSet(false, true)) {
                    log.warn("No answer to {} {} within {}: answered 503", request.getMethod(),
                            request.getRequestURI(), atMost);
                    write(request, response, unanswered());
                    async.complete();
                }
            }

            @Override
            public void onError(AsyncEvent event) {
                // The connection failed: nobody is left to answer.
                answered.set(true);
            }

            @Override
            public void onComplete(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        Handover handover = new Handover(async);
        request.setAttribute(HANDOVER, handover);
        answer.whenComplete((entity, failure) -> handover.answered(() -> {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            try {
                write(request, response, failure == null ? entity : problems.answer(unwrap(failure)));
            } finally {
                async.complete();
            }
        }));
    }

    /**
     * Called once the dispatch that started a call's async mode has returned through every filter (by
     * {@link AsyncAnswersFilter}, the outermost): only then may its answer be written, since filters still unwinding
     * (Spring Security's header writer, say) touch the response.
     */
    static void dispatchReturned(ServletRequest request) {
        if (request.getAttribute(HANDOVER) instanceof Handover handover) {
            handover.returned();
        }
    }

    /** Writes the answer once both have happened, in whichever order: the answer came, and the dispatch returned. */
    private static final class Handover {
        private static final int ANSWERED = 1;
        private static final int RETURNED = 2;

        private final AsyncContext async;
        private final AtomicInteger state = new AtomicInteger();
        private volatile @Nullable Runnable write;

        Handover(AsyncContext async) {
            this.async = async;
        }

        void answered(Runnable writeAnswer) {
            write = writeAnswer;
            if ((state.getAndAccumulate(ANSWERED, (was, bit) -> was | bit) & RETURNED) != 0) {
                async.start(writeAnswer);
            }
        }

        void returned() {
            if ((state.getAndAccumulate(RETURNED, (was, bit) -> was | bit) & ANSWERED) != 0) {
                async.start(write);
            }
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static ResponseEntity<ProblemDetail> unanswered() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "Lapse did not answer this in time; what it recorded shows in the timeline.");
        problem.setTitle("Temporarily unavailable");
        problem.setType(URI.create("https://lapse.dev/problems/unavailable"));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    @SuppressWarnings("unchecked")
    private void write(HttpServletRequest request, HttpServletResponse response, ResponseEntity<?> entity) {
        Object body = entity.getBody();
        try (ServletServerHttpResponse out = new ServletServerHttpResponse(response)) {
            out.setStatusCode(entity.getStatusCode());
            out.getHeaders().putAll(entity.getHeaders());
            if (body == null) {
                out.flush();
                return;
            }
            if (body instanceof ProblemDetail problem && problem.getInstance() == null) {
                problem.setInstance(URI.create(request.getRequestURI()));
            }
            MediaType type = entity.getHeaders().getContentType() != null ? entity.getHeaders().getContentType()
                    : body instanceof ProblemDetail ? MediaType.APPLICATION_PROBLEM_JSON : MediaType.APPLICATION_JSON;
            for (HttpMessageConverter<?> converter : converters()) {
                if (converter.canWrite(body.getClass(), type)) {
                    ((HttpMessageConverter<Object>) converter).write(body, type, out);
                    return;
                }
            }
            throw new IllegalStateException("no message converter writes " + body.getClass().getName() + " as "
                    + type);
        } catch (IOException e) {
            // The caller has gone; what it asked for is recorded all the same.
            log.debug("Could not write the answer to {} {}: {}", request.getMethod(), request.getRequestURI(),
                    e.toString());
        }
    }

    private List<HttpMessageConverter<?>> converters() {
        List<HttpMessageConverter<?>> known = converters;
        if (known == null) {
            known = List.copyOf(mvcConverters.get());
            converters = known;
        }
        return known;
    }
}
