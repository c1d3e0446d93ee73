package dev.lapse.chaos.report;

/**
 * The first submission of one request id.
 *
 * @param accepted whether Lapse acknowledged it: REST answered 202 (or 409 to a retry, so an earlier attempt
 *                 landed), or the broker acknowledged the ingress record
 */
public record Submission(String requestId, Channel channel, Intent intent, boolean accepted) {
}
