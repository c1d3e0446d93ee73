package dev.lapse.schemas.serde;

/**
 * A schema registry answered with an error about the request (an unreachable or failing registry is a
 * {@link RegistryUnavailableException} instead). Carries Confluent's {@code error_code}
 * (for example 40401 subject not found, 40403 schema not found, 409 or 40901 incompatible, 42201 invalid).
 */
public final class SchemaRegistryException extends RuntimeException {

    /** Confluent error codes the serde acts on. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INVALID_SCHEMA = 42201;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(int httpStatus, int errorCode, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    /** True for an incompatible schema: Confluent answers 409 up to 8.1 and 40901 from 8.2; both mean the same. */
    public boolean isIncompatible() {
        return httpStatus == 409 || errorCode == 409 || errorCode == 40901;
    }

    /** True when the registry answered "not found" for a subject, a version or a schema. */
    public boolean isNotFound() {
        return httpStatus == 404;
    }
}
