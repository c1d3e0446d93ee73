package dev.lapse.request.notify;

/**
 * One attempt to deliver a notification to a webhook, for the edge to send; its answer goes back to
 * {@link Notifier#completed} under the same {@code id}.
 *
 * @param attempt 1 for the first attempt, 2 for the first retry, ...
 */
public record Dispatch(long id, Webhook webhook, Notification notification, int attempt) {
}
