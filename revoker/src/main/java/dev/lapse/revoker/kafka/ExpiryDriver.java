package dev.lapse.revoker.kafka;

import dev.lapse.event.AccessExpired;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ExpiryReason;
import dev.lapse.revoker.RevokerApplication;
import dev.lapse.revoker.expiry.ActiveGrant;
import dev.lapse.revoker.expiry.Ending;
import dev.lapse.revoker.expiry.ExpirySchedule;
import dev.lapse.schemas.EventIds;
import dev.lapse.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The one thread that owns the expiry schedule. Listeners hand it commands through a queue (so the wheel needs
 * no lock); every tick it advances the wheel to the injected clock's time and publishes an Expired for every
 * grant that ended, in one transaction per tick. A failed publication is retried on the next tick, so none is lost.
 */
@Component
class ExpiryDriver implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ExpiryDriver.class);
    private static final Actor SELF = new Actor(ActorKind.SERVICE, RevokerApplication.NAME);

    private final LinkedBlockingQueue<Function<ExpirySchedule, List<Ending>>> inbox = new LinkedBlockingQueue<>();
    /** Endings not yet published: kept until a publication succeeds, so a failed one is retried, reason intact. */
    private final List<Ending> unpublished = new ArrayList<>();
    private final ExpirySchedule schedule;
    private final KafkaTemplate<String, Object> kafka;
    private final Clock clock;
    private final long tickMs;
    private volatile boolean running;
    private Thread owner;

    ExpiryDriver(RevokerProperties properties, KafkaTemplate<String, Object> kafka, Clock clock, MeterRegistry meters) {
        this.schedule = new ExpirySchedule(properties.toOptions(), clock.millis());
        this.kafka = kafka;
        this.clock = clock;
        this.tickMs = properties.tickMs();
        meters.gauge("lapse.revoker.active.grants", schedule, ExpirySchedule::size);
    }

    /** Watches a grant (from any thread). */
    void schedule(ActiveGrant grant) {
        inbox.add(wheel -> wheel.schedule(grant).map(List::of).orElse(List.of()));
    }

    /** Ends a grant now, if it is active (from any thread). */
    void revoke(String requestId, String cause) {
        inbox.add(wheel -> wheel.revoke(requestId, cause).map(List::of).orElse(List.of()));
    }

    private void run() {
        while (running) {
            try {
                Function<ExpirySchedule, List<Ending>> command = inbox.poll(tickMs, TimeUnit.MILLISECONDS);
                while (command != null) {
                    unpublished.addAll(command.apply(schedule));
                    command = inbox.poll();
                }
                unpublished.addAll(schedule.advanceTo(clock.millis()));
                if (!unpublished.isEmpty()) {
                    publish(List.copyOf(unpublished));
                    unpublished.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Expiry tick failed; will retry on the next tick", e);
            }
        }
    }

    private void publish(List<Ending> endings) {
        kafka.executeInTransaction(template -> {
            for (Ending ending : endings) {
                ActiveGrant grant = ending.grant();
                template.send(Topics.ACCESS_EXPIRED.name(), grant.requestId(), AccessExpired.newBuilder()
                        .setEventId(EventIds.once("expired", grant.requestId()))
                        .setRequestId(grant.requestId())
                        .setGrantId(grant.grantId())
                        .setOccurredAt(clock.instant())
                        .setCausedBy(SELF)
                        .setRequesterId(grant.requesterId())
                        .setReason(ending.reason() == Ending.Reason.REVOKED
                                ? ExpiryReason.REVOKED : ExpiryReason.TIME_ELAPSED)
                        .setExpiresAt(grant.expiresAt())
                        .build());
            }
            return null;
        });
        endings.forEach(ending -> log.info("Grant {} for request {} ended: {} (due {}, {} ms late)",
                ending.grant().grantId(), ending.grant().requestId(), ending.reason(), ending.grant().expiresAt(),
                clock.millis() - ending.grant().expiresAt().toEpochMilli()));
    }

    @Override
    public void start() {
        running = true;
        owner = new Thread(this::run, "lapse-expiry-driver");
        owner.setDaemon(true);
        owner.start();
    }

    @Override
    public void stop() {
        running = false;
        if (owner != null) {
            owner.interrupt();
            try {
                owner.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stop after the listeners (which feed it) and before the producer factory (which it needs).
        return Integer.MAX_VALUE - 200;
    }
}
