package dev.lapse.request.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 7807 bodies for what Spring Security refuses before any controller runs: 401 for a call without a token or
 * with a token that does not verify (with RFC 6750's {@code WWW-Authenticate: Bearer} header), 403 for an
 * authenticated call that is not allowed. Never Spring's empty or HTML answer, never a stack trace.
 */
final class AuthenticationProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final Logger log = LoggerFactory.getLogger(AuthenticationProblems.class);
    private static final JsonMapper json = JsonMapper.builder().build();

    private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
    private final String howToGetAToken;

    /** @param embedded whether tokens come from the embedded issuer, so the answer can say where they are */
    AuthenticationProblems(boolean embedded) {
        this.howToGetAToken = embedded
                ? " The embedded issuer writes one for each configured user to"
                        + " <lapse.identity.embedded.directory>/tokens/<user>.jwt."
                : "";
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        // Status and RFC 6750's WWW-Authenticate header (with error="invalid_token" when a token was refused).
        bearer.commence(request, response, e);
        String detail;
        if (e instanceof OAuth2AuthenticationException refused && refused.getError() != null
                && refused.getError().getDescription() != null) {
            detail = "The bearer token was refused: " + refused.getError().getDescription();
        } else {
            detail = "This needs a bearer token: send Authorization: Bearer <JWT>." + howToGetAToken;
        }
        log.debug("Answered 401 to {} {}: {}", request.getMethod(), request.getRequestURI(), detail);
        write(response, HttpStatus.UNAUTHORIZED, "Not authenticated", "unauthenticated", detail, request);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        write(response, HttpStatus.FORBIDDEN, "Not allowed", "forbidden", "The caller may not do this.", request);
    }

    private static void write(HttpServletResponse response, HttpStatus status, String title, String type,
            String detail, HttpServletRequest request) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://lapse.dev/problems/" + type);
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(json.writeValueAsString(problem));
        response.getWriter().flush();
    }
}
