package dev.lapse.request.notify;

/** What one delivery attempt came back with, and what it means for the delivery. */
public sealed interface ReceiverAnswer {

    /** What the answer means: delivered, worth another attempt, or never going to work. */
    Verdict verdict();

    /** One line for logs and give-up reasons. */
    String describe();

    /** The receiver answered with an HTTP status. */
    record Status(int code) implements ReceiverAnswer {

        /**
         * 2xx is delivered. 408 (timeout) and 429 (too many requests) are transient by definition, and 5xx are the
         * receiver's own trouble: retried. Any other 4xx says this request will never be accepted (bad URL,
         * refused signature): given up at once. 1xx and 3xx (redirects are not followed) are retried, since they
         * do not say the notification was taken.
         */
        @Override
        public Verdict verdict() {
            if (code >= 200 && code < 300) {
                return Verdict.DELIVERED;
            }
            if (code >= 400 && code < 500 && code != 408 && code != 429) {
                return Verdict.GIVE_UP;
            }
            return Verdict.RETRY;
        }

        @Override
        public String describe() {
            return "HTTP " + code;
        }
    }

    /** No answer: the connection failed or the request timed out. Worth another attempt. */
    record Unreachable(String why) implements ReceiverAnswer {

        @Override
        public Verdict verdict() {
            return Verdict.RETRY;
        }

        @Override
        public String describe() {
            return why;
        }
    }

    /** What an answer means for the delivery. */
    enum Verdict {
        DELIVERED, RETRY, GIVE_UP
    }
}
