package dev.lapse.policy.rules;

/**
 * What a matching rule says: approve on its own, deny, require approvals, or allow break-glass (self-approval with
 * a mandatory reason, only when the requester invokes it; such a rule is ignored for ordinary requests).
 */
public enum Outcome {
    APPROVE, DENY, REQUIRE, BREAK_GLASS
}
