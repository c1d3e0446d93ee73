package dev.lapse.request.notify;

/**
 * How a notification's delivery to one webhook ended: delivered, or given up.
 *
 * @param attempts how many attempts it took
 * @param detail the last answer, and for a delivery given up, why no more attempts were made
 */
public record DeliveryOutcome(Webhook webhook, Notification notification, boolean delivered, int attempts,
        String detail) {
}
