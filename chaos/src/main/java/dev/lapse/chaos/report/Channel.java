package dev.lapse.chaos.report;

/** How a submission reached Lapse. */
public enum Channel {
    /** {@code POST /v1/requests} on request-service. */
    REST,
    /** An Avro {@code AccessRequested} on {@code lapse.access.submitted}. */
    INGRESS
}
