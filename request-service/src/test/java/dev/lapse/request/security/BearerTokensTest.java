package dev.lapse.request.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

class BearerTokensTest {

    private final BearerTokens ours = new BearerTokens();
    private final DefaultBearerTokenResolver spring = new DefaultBearerTokenResolver();

    /** What a resolver made of a request: the token, or the message it failed with. */
    private static String outcome(java.util.function.Function<MockHttpServletRequest, String> resolver,
            MockHttpServletRequest request) {
        Throwable failure = catchThrowable(() -> resolver.apply(request));
        return failure != null ? "failed: " + failure.getClass().getSimpleName() + ": " + failure.getMessage()
                : "token: " + resolver.apply(request);
    }

    private void assertSameAsSpring(Consumer<MockHttpServletRequest> shape) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/requests");
        request.setContentType("application/json");
        shape.accept(request);
        assertThat(outcome(ours::resolve, request)).isEqualTo(outcome(spring::resolve, request));
    }

    @Test
    void resolve_answersAsSpring_forTheHeadersACallerMaySend() {
        for (String header : List.of("Bearer abc.DEF-ghi_~+/123==", "bearer abc", "BEARER abc=", "Bearer a=b",
                "Bearer ", "Bearer", "Bearer  abc", "Bearer abc ", "Bearer ab\tc", "Bearer abc\n", "Bearerabc",
                "Basic dXNlcjpwYXNz", "Bearer é", "Bearer ==", "Bearer a==")) {
            assertSameAsSpring(request -> request.addHeader("Authorization", header));
        }
        assertSameAsSpring(request -> { });
    }

    @Test
    void resolve_answersAsSpring_whenATokenMayAlsoComeAsAParameter() {
        assertSameAsSpring(request -> {
            request.addHeader("Authorization", "Bearer abc");
            request.setQueryString("access_token=def");
            request.addParameter("access_token", "def");
        });
        assertSameAsSpring(request -> {
            request.setMethod("GET");
            request.addHeader("Authorization", "Bearer abc");
            request.setQueryString("access%5Ftoken=def");
            request.addParameter("access_token", "def");
        });
        assertSameAsSpring(request -> {
            request.addHeader("Authorization", "Bearer abc");
            request.setContentType("application/x-www-form-urlencoded");
            request.addParameter("access_token", "def");
        });
    }

    @Test
    void wellFormed_needsOneTokenCharacterAndThenOnlyPadding() {
        assertThat(BearerTokens.wellFormed("Bearer a", 7)).isTrue();
        assertThat(BearerTokens.wellFormed("Bearer a==", 7)).isTrue();
        assertThat(BearerTokens.wellFormed("Bearer =", 7)).isFalse();
        assertThat(BearerTokens.wellFormed("Bearer a=b", 7)).isFalse();
    }
}
