package dev.lapse.request.notify;

import java.util.Objects;

/** Where consumed records come from: one partition of one topic. */
public record Source(String topic, int partition) {

    public Source {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative, got " + partition);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
