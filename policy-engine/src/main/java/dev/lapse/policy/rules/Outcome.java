package dev.lapse.policy.rules;

/** What a matching rule says: approve on its own, deny, or require approvals. */
public enum Outcome {
    APPROVE, DENY, REQUIRE
}
