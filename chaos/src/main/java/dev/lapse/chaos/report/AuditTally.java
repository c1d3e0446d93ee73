package dev.lapse.chaos.report;

/**
 * The audit files against the topics.
 *
 * @param records      committed records of the audited topics (read with read_committed)
 * @param missing      records no audit entry names
 * @param doubled      extra entries for records that already have one
 * @param unknown      entries for coordinates the topics do not hold as committed records
 * @param verifyValid  whether {@code GET /v1/audit/verify} answered {@code "valid": true}
 * @param verifyDetail what verify answered, shortened, when it was not valid
 */
public record AuditTally(long records, long missing, long doubled, long unknown, boolean verifyValid,
        String verifyDetail) {
}
