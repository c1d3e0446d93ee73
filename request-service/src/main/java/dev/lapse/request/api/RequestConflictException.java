package dev.lapse.request.api;

/** A submission reused the id of a request that already exists; answered with 409. */
final class RequestConflictException extends RuntimeException {

    RequestConflictException(String requestId) {
        super("request " + requestId + " already exists; submit a new request without requestId, or with a new one");
    }
}
