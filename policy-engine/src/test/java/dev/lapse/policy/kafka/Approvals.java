package dev.lapse.policy.kafka;

import static org.awaitility.Awaitility.await;

import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ApprovalVoteCast;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.Scope;
import dev.lapse.event.Vote;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.testing.TestStack;
import dev.lapse.state.PendingApproval;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Fixtures of the approval tests: requests that need votes, votes, and ways to wait for what they did. */
final class Approvals {

    static final Duration WAIT = Duration.ofSeconds(30);
    /** After the expected events, how long nothing more may arrive: a late duplicate is the bug. */
    static final Duration QUIET = Duration.ofSeconds(2);
    static final List<String> DECISIONS = List.of(Topics.ACCESS_APPROVED.name(), Topics.ACCESS_DENIED.name());

    private Approvals() {
    }

    /** alice (support) asks to read email and ssn of crm.public.customers: the sample set wants two approvers. */
    static AccessRequested secretColumns(String requestId) {
        AccessRequested request = Events.accessRequested(requestId);
        request.setScope(new Scope(List.of("SELECT"), List.of("email", "ssn"), null));
        return request;
    }

    /** A request by {@code requester} for SELECT on {@code columns} of {@code table}. */
    static AccessRequested request(String requestId, String requester, List<String> groups, String table,
            List<String> columns) {
        AccessRequested request = Events.accessRequested(requestId);
        request.setRequester(new Requester(requester, groups));
        request.setResource(new Resource("postgres", table));
        request.setScope(new Scope(List.of("SELECT"), columns, null));
        return request;
    }

    static ApprovalVoteCast vote(String requestId, String eventId, String voter, List<String> groups, Vote vote,
            String comment) {
        return ApprovalVoteCast.newBuilder()
                .setEventId(eventId)
                .setRequestId(requestId)
                .setOccurredAt(Instant.now())
                .setCausedBy(new Actor(ActorKind.USER, voter))
                .setVoter(voter)
                .setVote(vote)
                .setComment(comment)
                .setVoterGroups(groups)
                .build();
    }

    /** Waits until the request's latest pending state holds {@code votes} votes, and returns it. */
    static PendingApproval awaitState(TestStack stack, String requestId, int votes) {
        Predicate<List<ConsumerRecord<String, Object>>> holds = found -> !found.isEmpty()
                && found.get(found.size() - 1).value() instanceof PendingApproval state
                && state.getVotes().size() == votes;
        List<ConsumerRecord<String, Object>> states = stack.awaitRecords(
                List.of(Topics.PENDING_APPROVALS_STATE.name()), requestId, holds, WAIT);
        return (PendingApproval) states.get(states.size() - 1).value();
    }

    /** The request's pending state as committed, oldest first (a tombstone is a null value). */
    static List<Object> states(TestStack stack, String requestId) {
        return stack.awaitRecordsThenQuiet(List.of(Topics.PENDING_APPROVALS_STATE.name()), requestId,
                found -> true, WAIT, Duration.ofMillis(500)).stream().map(ConsumerRecord::value)
                .collect(Collectors.toList());
    }

    /** Waits until the decision listener's group has committed every record of {@code topic} written so far. */
    static void awaitConsumed(TestStack stack, String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames().get()
                    .get(topic).partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            await().atMost(WAIT).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets(DecisionListener.LISTENER).partitionsToOffsetAndMetadata().get();
                return ends.entrySet().stream().allMatch(end -> end.getValue() == 0
                        || committed.get(end.getKey()) != null
                        && committed.get(end.getKey()).offset() >= end.getValue());
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }
}
