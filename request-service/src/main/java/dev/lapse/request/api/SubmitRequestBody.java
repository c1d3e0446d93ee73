package dev.lapse.request.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The JSON body of {@code POST /v1/requests}; every field is checked by the validator, not by Jackson. */
record SubmitRequestBody(
        @Nullable String requestId,
        @Nullable Requester requester,
        @Nullable Resource resource,
        @Nullable Scope scope,
        @Nullable String reason,
        @Nullable String ticket,
        @Nullable String duration) {

    record Requester(@Nullable String id, @Nullable List<String> groups) {
    }

    record Resource(@Nullable String kind, @Nullable String name) {
    }

    record Scope(@Nullable List<String> actions, @Nullable List<String> columns, @Nullable String rowFilter) {
    }
}
