package dev.lapse.chaos.report;

/** What the harness meant a first submission to end as. */
public enum Intent {
    /** A read-only request on named columns: the built-in rule approves it, so it ends WITHDRAWN. */
    GRANT,
    /** A request for an action no policy allows: it ends DENIED. */
    DENY,
    /** An ingress record that breaks a rule (no reason given): it ends REJECTED. */
    REJECT
}
