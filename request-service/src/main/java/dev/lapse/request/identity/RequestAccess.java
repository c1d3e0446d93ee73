package dev.lapse.request.identity;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who may do what with a request, decided from the {@link Caller} alone, never from a request body:
 * <ul>
 *   <li>a request is submitted by its requester: a body naming someone else is refused, whoever the caller is;</li>
 *   <li>a request is seen by its requester, by an admin, and by the members of its approver groups (who are asked
 *       to vote on it); to anyone else it does not exist (404, so ids leak nothing);</li>
 *   <li>a grant is ended early by its requester or by an admin;</li>
 *   <li>admins ({@code lapse.identity.admin-group}) list every request and re-drive parked records.</li>
 * </ul>
 */
public final class RequestAccess {

    private final String adminGroup;

    /** Rules with {@code adminGroup} as the group of admins. */
    public RequestAccess(String adminGroup) {
        Objects.requireNonNull(adminGroup, "adminGroup");
        if (adminGroup.isBlank()) {
            throw new IllegalArgumentException("the admin group must be named");
        }
        this.adminGroup = adminGroup;
    }

    /** The group of admins. */
    public String adminGroup() {
        return adminGroup;
    }

    /** Whether the caller is an admin. */
    public boolean isAdmin(Caller caller) {
        return caller.groups().contains(adminGroup);
    }

    /**
     * Why the caller may not submit a request naming {@code namedRequester} as its requester, or empty when it may:
     * a body that names no requester, or the caller, is the caller's own request.
     */
    public Optional<String> submissionRefusal(Caller caller, @Nullable String namedRequester) {
        if (namedRequester == null || namedRequester.equals(caller.id())) {
            return Optional.empty();
        }
        return Optional.of("the body names '" + namedRequester + "' as the requester, but the token is "
                + caller.id() + "'s: a request is submitted by its requester (leave requester out, or name "
                + caller.id() + ")");
    }

    /**
     * Whether the caller may see a request.
     *
     * @param requesterId the request's requester, or null when it is not known (then only admins see it)
     * @param approverGroups the groups asked to approve it, empty when none were
     */
    public boolean mayRead(Caller caller, @Nullable String requesterId, Collection<String> approverGroups) {
        return caller.id().equals(requesterId) || isAdmin(caller) || caller.inAnyOf(Set.copyOf(approverGroups));
    }

    /** Whether the caller may end a grant of {@code requesterId}'s before its time. */
    public boolean mayRevoke(Caller caller, @Nullable String requesterId) {
        return caller.id().equals(requesterId) || isAdmin(caller);
    }

    /** Whether the caller lists every request, not only its own. */
    public boolean seesEveryRequest(Caller caller) {
        return isAdmin(caller);
    }
}
