package dev.lapse.chaos.report;

/**
 * What the load driver sent besides first submissions, and what it was answered.
 *
 * @param restDuplicates      second submissions of a known request id over REST
 * @param restConflicts       of those, answered 409
 * @param restAccepted        of those, answered 202
 * @param ingressDuplicates   second submissions of a known request id on the ingress topic
 * @param revocations         early revocations answered 202
 */
public record LoadTally(int restDuplicates, int restConflicts, int restAccepted, int ingressDuplicates,
        int revocations) {
}
