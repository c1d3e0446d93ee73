package dev.lapse.revoker.kafka;

import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ExpiryReason;
import dev.lapse.revoker.RevokerApplication;
import dev.lapse.revoker.expiry.ActiveGrant;
import dev.lapse.revoker.expiry.Effect;
import dev.lapse.revoker.expiry.Ending;
import dev.lapse.schemas.EventIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.kafka.Partitions;
import dev.lapse.state.WatchedGrant;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * What the revoker writes for each effect: the durable state of the request (on the compacted state topic) and,
 * when a grant ends, its {@code AccessExpired}. Both go into the transaction that consumed the cause.
 */
final class ExpiryRecords {

    private static final Actor SELF = new Actor(ActorKind.SERVICE, RevokerApplication.NAME);

    private ExpiryRecords() {
    }

    static ActiveGrant activeGrant(AccessGranted granted) {
        return new ActiveGrant(granted.getRequestId(), granted.getGrantId(), granted.getRequester().getId(),
                granted.getExpiresAt());
    }

    /** The records an effect of a consumed grant or revocation calls for; none when it was ignored. */
    static List<ProducerRecord<String, Object>> of(Effect effect, Instant now) {
        if (effect instanceof Effect.Watching watching) {
            ActiveGrant grant = watching.grant();
            return List.of(state(grant.requestId(), WatchedGrant.newBuilder().setRequestId(grant.requestId())
                    .setGrantId(grant.grantId()).setRequesterId(grant.requesterId())
                    .setExpiresAt(grant.expiresAt()).build()));
        }
        if (effect instanceof Effect.RevocationHeld held) {
            return List.of(state(held.requestId(), WatchedGrant.newBuilder().setRequestId(held.requestId())
                    .setHeldRevocation(held.cause()).build()));
        }
        if (effect instanceof Effect.Ended ended) {
            return ended(ended.ending(), now);
        }
        return List.of();
    }

    /** The end of a grant: its AccessExpired, and a tombstone that deletes its durable state. */
    static List<ProducerRecord<String, Object>> ended(Ending ending, Instant now) {
        ActiveGrant grant = ending.grant();
        AccessExpired expired = AccessExpired.newBuilder()
                .setEventId(EventIds.once("expired", grant.requestId()))
                .setRequestId(grant.requestId())
                .setGrantId(grant.grantId())
                .setOccurredAt(now)
                .setCausedBy(SELF)
                .setRequesterId(grant.requesterId())
                .setReason(ending.reason() == Ending.Reason.REVOKED ? ExpiryReason.REVOKED : ExpiryReason.TIME_ELAPSED)
                .setExpiresAt(grant.expiresAt())
                .setLateByMs(now.toEpochMilli() - grant.expiresAt().toEpochMilli())
                .build();
        return List.of(new ProducerRecord<>(Topics.ACCESS_EXPIRED.name(), grant.requestId(), expired),
                state(grant.requestId(), null));
    }

    /** A record that can never be read, parked byte for byte in its dead-letter topic with the reason. */
    static ProducerRecord<String, Object> deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        headers.add(new RecordHeader(DeadLetterRouting.REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(DeadLetterRouting.SOURCE_HEADER,
                (record.topic() + "-" + record.partition() + "@" + record.offset()).getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(record.topic() + dev.lapse.schemas.Topic.DEAD_LETTER_SUFFIX, record.partition(),
                record.key(), record.value(), headers);
    }

    private static ProducerRecord<String, Object> state(String requestId, @Nullable WatchedGrant value) {
        return new ProducerRecord<>(Topics.REVOKER_STATE.name(), Partitions.of(requestId), requestId, value);
    }
}
