package dev.lapse.request.api;

/** An authenticated caller asked for something it may not do; answered with 403 and why. */
final class ForbiddenException extends RuntimeException {

    ForbiddenException(String why) {
        super(why);
    }
}
