package dev.lapse.request.notify;

import java.util.Optional;

/** What a webhook notification tells, with the name it has in the JSON body's {@code type}. */
public enum NotificationType {

    /** A request awaits approval votes (from {@code lapse.approval.pending}). */
    REQUEST_PENDING("request.pending"),
    /** A request is approved (from {@code lapse.access.approved}). */
    REQUEST_APPROVED("request.approved"),
    /** A request is denied (from {@code lapse.access.denied}). */
    REQUEST_DENIED("request.denied"),
    /** Access is in place (from {@code lapse.access.granted}). */
    GRANT_GRANTED("grant.granted"),
    /** A grant ends soon: derived from its grant, a configured lead before {@code expiresAt}. */
    GRANT_EXPIRING("grant.expiring"),
    /** A grant has ended (from {@code lapse.access.expired}). */
    GRANT_EXPIRED("grant.expired");

    private final String wireName;

    NotificationType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the JSON body, for example {@code grant.expiring}. */
    public String wireName() {
        return wireName;
    }

    /** The type named {@code wireName} in a JSON body or in configuration. */
    public static Optional<NotificationType> byWireName(String wireName) {
        for (NotificationType type : values()) {
            if (type.wireName.equals(wireName)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
