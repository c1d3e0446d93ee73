package dev.lapse.schemas;

/** The one party allowed to write a topic: each topic has a single writer. */
public enum Writer {
    /** Systems outside Lapse, publishing requests in the Confluent wire format. */
    EXTERNAL("external systems"),
    REQUEST_SERVICE("request-service"),
    POLICY_ENGINE("policy-engine"),
    GRANT_ISSUER("grant-issuer"),
    REVOKER("revoker"),
    AUDIT_SINK("audit-sink");

    private final String serviceName;

    Writer(String serviceName) {
        this.serviceName = serviceName;
    }

    /** The service's name as it appears in {@code spring.application.name} and in event actors. */
    public String serviceName() {
        return serviceName;
    }
}
