package dev.lapse.request.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The outermost filter: tells {@link AsyncAnswers} when a call's first dispatch has returned through every other
 * filter, so that an answer that came quickly is not written while they still touch the response.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class AsyncAnswersFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            AsyncAnswers.dispatchReturned(request);
        }
    }
}
