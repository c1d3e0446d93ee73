package dev.lapse.grant.target.postgres;

import org.jspecify.annotations.Nullable;

/**
 * One statement a grant's provisioning or withdrawal runs.
 *
 * @param sql the statement, every name and value in it quoted by {@link SqlIdentifier} / {@link SqlLiteral}
 * @param done what it did, in words for the grant's record, or null when it is not worth a line
 */
public record SqlStatement(String sql, @Nullable String done) {
}
