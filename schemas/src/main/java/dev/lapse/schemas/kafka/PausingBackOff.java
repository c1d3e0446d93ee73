package dev.lapse.schemas.kafka;

import java.time.Duration;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.listener.BackOffHandler;
import org.springframework.kafka.listener.DefaultBackOffHandler;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Waits between two attempts by pausing only the failed record's partition, so the consumer keeps polling its other
 * partitions instead of sleeping; a scheduler resumes the partition when the backoff is over, and the record is
 * fetched again from the offset the container sought back to. spring-kafka's own pausing handler pauses the whole
 * container, because the retry machinery does not pass the partition: {@link PartitionWaits} remembers it.
 */
public final class PausingBackOff implements BackOffHandler, AutoCloseable {

    private final DefaultBackOffHandler sleeping = new DefaultBackOffHandler();
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final ListenerContainerPauseService pauser;

    public PausingBackOff() {
        scheduler.setThreadNamePrefix("lapse-resume-");
        scheduler.setDaemon(true);
        scheduler.initialize();
        pauser = new ListenerContainerPauseService(null, scheduler);
    }

    @Override
    public void onNextBackOff(@Nullable MessageListenerContainer container, @Nullable Exception exception,
            long nextBackOffMs) {
        TopicPartition partition = PartitionWaits.failedOnThisThread();
        if (container == null || partition == null) {
            sleeping.onNextBackOff(container, exception, nextBackOffMs);
            return;
        }
        pauser.pausePartition(container, partition, Duration.ofMillis(nextBackOffMs));
    }

    /** Pauses one partition of {@code container} for {@code duration}; it resumes by itself. */
    public void pausePartition(MessageListenerContainer container, TopicPartition partition, Duration duration) {
        pauser.pausePartition(container, partition, duration);
    }

    @Override
    public void close() {
        scheduler.shutdown();
    }
}
