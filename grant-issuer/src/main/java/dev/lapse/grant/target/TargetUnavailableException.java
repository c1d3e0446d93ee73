package dev.lapse.grant.target;

/**
 * A target could not be reached or did not answer (connection refused, login refused, a timeout). Never a reason
 * to park or deny: the record waits and is tried again with a backoff, and the grant is never left half-done.
 */
public class TargetUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TargetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
