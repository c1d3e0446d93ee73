package dev.lapse.request.approval;

/** What a vote says: an approver approves or denies; the requester can only withdraw their own request. */
public enum Choice {
    APPROVE, DENY, WITHDRAW
}
