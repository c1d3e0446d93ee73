package dev.lapse.policy.rules;

import java.util.List;

/**
 * One tier of a requirement: {@code count} distinct people, each a member of at least one of {@code groups}, never
 * the requester. A person fills a seat in one tier only, so two tiers need at least two people.
 */
public record ApprovalTier(int count, List<String> groups) {

    public ApprovalTier {
        if (count < 1) {
            throw new IllegalArgumentException("a tier needs at least one approval, got " + count);
        }
        // Sorted, so that equal tiers written in a different order are equal and de-duplicate.
        groups = groups.stream().distinct().sorted().toList();
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("a tier needs at least one group");
        }
    }

    @Override
    public String toString() {
        return count + " of " + String.join("|", groups);
    }
}
