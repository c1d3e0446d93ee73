package dev.lapse.request.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JSON body of {@code POST /v1/requests}; every field is checked by the validator, not by Jackson. The requester
 * is the caller: {@code requester} may be left out, and when it names an id that id must be the caller's; its
 * {@code groups} are not looked at (the token's are the caller's). {@code breakGlass: true} invokes break-glass
 * where a policy allows it: approval without approvers, flagged on every event, with the mandatory reason.
 * {@code bundle} asks for a requestable role by name instead of a resource and scope.
 */
record SubmitRequestBody(
        @Nullable String requestId,
        @Nullable Requester requester,
        @Nullable Resource resource,
        @Nullable Scope scope,
        @Nullable String reason,
        @Nullable String ticket,
        @Nullable String duration,
        @Nullable Boolean breakGlass,
        @Nullable String bundle) {

    record Requester(@Nullable String id, @Nullable List<String> groups) {
    }

    record Resource(@Nullable String kind, @Nullable String name) {
    }

    record Scope(@Nullable List<String> actions, @Nullable List<String> columns, @Nullable String rowFilter) {
    }
}
