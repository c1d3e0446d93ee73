package dev.lapse.request.notify;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One webhook notification, as every receiver gets it; {@link #toJson()} is the documented body (see
 * docs/webhooks.md). A null component is left out of the body. {@code id} is derived from the type and the event
 * it tells of, so every copy of one notification (a retry, a redelivery after a restart) has the same id and a
 * receiver can drop duplicates by it.
 *
 * @param id stable id of this notification
 * @param type what happened
 * @param occurredAt when it happened: the event's time; for {@code grant.expiring}, when the notice fell due
 * @param requestId the request it belongs to
 * @param grantId the grant, for grant notifications
 * @param requester who asked, when known
 * @param resource what access is for, when known
 * @param scope how much of the resource, when known
 * @param expiresAt when the grant ends (grant notifications)
 * @param decideBy when a pending request times out if it is not decided
 * @param tiers who may approve a pending request: every tier is needed
 * @param approvers who approved (an empty list when a rule approved on its own)
 * @param policy the policy or rule behind a decision
 * @param reason why: a denial's reason, or how a grant ended ({@code TIME_ELAPSED}, {@code REVOKED})
 * @param breakGlass whether the access was approved by break-glass (approval and grant notifications)
 */
public record Notification(
        String id,
        NotificationType type,
        Instant occurredAt,
        String requestId,
        @Nullable String grantId,
        @Nullable Requester requester,
        @Nullable Resource resource,
        @Nullable Scope scope,
        @Nullable Instant expiresAt,
        @Nullable Instant decideBy,
        @Nullable List<Tier> tiers,
        @Nullable List<String> approvers,
        @Nullable String policy,
        @Nullable String reason,
        @Nullable Boolean breakGlass) {

    public Notification {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(requestId, "requestId");
        tiers = tiers == null ? null : List.copyOf(tiers);
        approvers = approvers == null ? null : List.copyOf(approvers);
    }

    /** The id of the notification of {@code type} about the event {@code eventId}. */
    public static String idOf(NotificationType type, String eventId) {
        return UUID.nameUUIDFromBytes(("lapse/webhook/" + type.wireName() + "/" + eventId)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The body receivers get: one JSON object, members in the order of this record's components. */
    public String toJson() {
        return new JsonObject()
                .string("id", id)
                .string("type", type.wireName())
                .string("occurredAt", occurredAt.toString())
                .string("requestId", requestId)
                .string("grantId", grantId)
                .raw("requester", requester == null ? null : requester.toJson())
                .raw("resource", resource == null ? null : resource.toJson())
                .raw("scope", scope == null ? null : scope.toJson())
                .string("expiresAt", expiresAt == null ? null : expiresAt.toString())
                .string("decideBy", decideBy == null ? null : decideBy.toString())
                .raw("tiers", tiers == null ? null : JsonObject.array(tiers, Tier::toJson))
                .strings("approvers", approvers)
                .string("policy", policy)
                .string("reason", reason)
                .bool("breakGlass", breakGlass)
                .close();
    }

    /** The person or system that asked for access. */
    public record Requester(String id, List<String> groups) {

        public Requester {
            Objects.requireNonNull(id, "id");
            groups = List.copyOf(groups);
        }

        String toJson() {
            return new JsonObject().string("id", id).strings("groups", groups).close();
        }
    }

    /** The thing access is for: a kind of target and a name within it, such as postgres, crm.public.customers. */
    public record Resource(String kind, String name) {

        public Resource {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
        }

        String toJson() {
            return new JsonObject().string("kind", kind).string("name", name).close();
        }
    }

    /** How much of a resource: actions, the columns they are limited to, and an optional row filter. */
    public record Scope(List<String> actions, List<String> columns, @Nullable String rowFilter) {

        public Scope {
            actions = List.copyOf(actions);
            columns = List.copyOf(columns);
        }

        String toJson() {
            return new JsonObject().strings("actions", actions).strings("columns", columns)
                    .string("rowFilter", rowFilter).close();
        }
    }

    /** One tier of approvers a pending request needs: this many distinct members of these groups. */
    public record Tier(int required, List<String> groups) {

        public Tier {
            groups = List.copyOf(groups);
        }

        String toJson() {
            return new JsonObject().number("required", required).strings("groups", groups).close();
        }
    }
}
