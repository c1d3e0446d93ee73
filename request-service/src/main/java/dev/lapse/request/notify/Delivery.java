package dev.lapse.request.notify;

import org.jspecify.annotations.Nullable;

/**
 * One notification on its way to every webhook that wants it: finished when the last of them has it delivered or
 * given up, which releases the hold on the record it came from.
 */
final class Delivery {

    private final Notification notification;
    private final CommitLedger.Hold hold;
    private final ExpiringNotices.@Nullable Notice notice;
    private int unsettled;

    Delivery(Notification notification, CommitLedger.Hold hold, ExpiringNotices.@Nullable Notice notice,
            int receivers) {
        this.notification = notification;
        this.hold = hold;
        this.notice = notice;
        this.unsettled = receivers;
    }

    Notification notification() {
        return notification;
    }

    CommitLedger.Hold hold() {
        return hold;
    }

    /** The "expires soon" notice this delivers, if it is one. */
    ExpiringNotices.@Nullable Notice notice() {
        return notice;
    }

    /** One receiver is done with it; returns whether all are. */
    boolean settledOne() {
        return --unsettled == 0;
    }
}
