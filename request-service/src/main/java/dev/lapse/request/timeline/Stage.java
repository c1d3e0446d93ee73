package dev.lapse.request.timeline;

/** The steps of a request's life, in the order they can happen. */
public enum Stage {
    REQUESTED, REJECTED, PENDING_APPROVAL, VOTED, APPROVED, DENIED, GRANTED, REVOCATION_REQUESTED, EXPIRED, WITHDRAWN
}
