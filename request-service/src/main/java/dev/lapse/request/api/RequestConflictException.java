package dev.lapse.request.api;

/** A submission reused the id of a request that already exists; answered with 409. */
final class RequestConflictException extends RuntimeException {

    RequestConflictException(String requestId) {
        super("duplicate requestId: request " + requestId + " already exists (its timeline is /v1/requests/"
                + requestId + "); a request is submitted once, and a new one needs a new requestId, or none");
    }
}
