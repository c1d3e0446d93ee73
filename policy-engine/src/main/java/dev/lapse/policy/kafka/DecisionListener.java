package dev.lapse.policy.kafka;

import dev.lapse.event.AccessRequested;
import dev.lapse.event.ApprovalVoteCast;
import dev.lapse.policy.files.LoadedPolicies;
import dev.lapse.policy.pending.AskedAccess;
import dev.lapse.policy.pending.CastVote;
import dev.lapse.policy.pending.Decided;
import dev.lapse.policy.pending.PendingApprovals;
import dev.lapse.policy.pending.PendingRequest;
import dev.lapse.policy.pending.VoteOutcome;
import dev.lapse.policy.pending.VoteRefusal;
import dev.lapse.policy.rules.BundleRequest;
import dev.lapse.policy.rules.PolicyDecision;
import dev.lapse.policy.rules.PolicyRequest;
import dev.lapse.policy.rules.Requester;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.BatchTransactions;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.Partitions;
import dev.lapse.schemas.kafka.RawRecordConsumers;
import dev.lapse.schemas.kafka.RejectedRecordException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.ConsumerSeekAware;

/**
 * Decides every request, and gathers the votes on those that need approval, in the transaction that consumes their
 * poll batch.
 *
 * <p>Requests and votes are read by one consumer ({@code lapse.access.requested} and {@code lapse.approval.votes},
 * both keyed by request id with the same partition count, assigned with the range assignor so that partition p of
 * both goes to the same consumer): the consumer that owns a request's partition owns its pending state, and the
 * vote that meets the requirement (or denies, or withdraws) decides the request in the transaction that consumes it,
 * with the state's tombstone. A vote that changes nothing is counted in {@value #VOTES_REFUSED} by reason and logged
 * at INFO; a vote counted already is logged and changes nothing. Time-outs are swept on the same thread
 * ({@link TimeoutSweep}).
 */
class DecisionListener implements ConsumerSeekAware {

    /** The listener's id; also the {@code listener} tag of its transactions' metrics. */
    static final String LISTENER = "policy-requests";
    /** Counter of votes that changed nothing, tagged {@code reason} (see {@link VoteRefusal#tag()}). */
    static final String VOTES_REFUSED = "lapse.votes.refused";
    private static final Logger log = LoggerFactory.getLogger(DecisionListener.class);

    private final LoadedPolicies policies;
    private final PendingState state;
    private final DecisionPublisher publisher;
    private final TimeoutSweep sweep;
    private final Clock clock;
    private final EventDecoder decoder;
    private final BatchTransactions batches;
    private final Map<VoteRefusal, Counter> refused = new EnumMap<>(VoteRefusal.class);
    /** Refusals of the running attempt, counted once it commits: a record handled again is not counted twice. */
    private final List<VoteRefusal> refusedInAttempt = new ArrayList<>();
    private final BatchTransactions.Attempts attempts;

    DecisionListener(LoadedPolicies policies, PendingState state, DecisionPublisher publisher, TimeoutSweep sweep,
            Clock clock, EventDecoder decoder, BatchTransactions batches, MeterRegistry meters) {
        this.policies = policies;
        this.state = state;
        this.publisher = publisher;
        this.sweep = sweep;
        this.clock = clock;
        this.decoder = decoder;
        this.batches = batches;
        for (VoteRefusal refusal : VoteRefusal.values()) {
            refused.put(refusal, Counter.builder(VOTES_REFUSED).tag("reason", refusal.tag())
                    .description("votes that changed nothing, by reason").register(meters));
        }
        PendingApprovals table = state.table();
        this.attempts = new BatchTransactions.Attempts() {
            @Override
            public void begun() {
                table.abort();
                refusedInAttempt.clear();
            }

            @Override
            public void committed() {
                table.commit();
                refusedInAttempt.forEach(refusal -> refused.get(refusal).increment());
                refusedInAttempt.clear();
            }

            @Override
            public void aborted() {
                table.abort();
                refusedInAttempt.clear();
            }
        };
    }

    @KafkaListener(id = LISTENER,
            topics = {"#{T(dev.lapse.schemas.Topics).ACCESS_REQUESTED.name()}",
                    "#{T(dev.lapse.schemas.Topics).APPROVAL_VOTES.name()}"},
            containerFactory = RawRecordConsumers.CONTAINER_FACTORY,
            // One consumer owns the pending state of its partitions; an instance scales out as another instance.
            concurrency = "1",
            containerPostProcessor = DecisionKafkaConfiguration.CONTAINER_SETTINGS,
            properties = "partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor")
    void onRecords(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        batches.process(LISTENER, records, consumer, this::handle, attempts);
        sweep.afterBatch(consumer);
    }

    /** The container has been idle for {@code lapse.policy.timeout-check-interval}: time to look for time-outs. */
    @EventListener(condition = "event.listenerId.startsWith('" + LISTENER + "')")
    void onIdle(ListenerContainerIdleEvent event) {
        sweep.sweep(event.getConsumer());
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        state.assigned(assignments.keySet());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        state.revoked(partitions);
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(Topics.APPROVAL_VOTES.name())) {
            vote(record, decoder.decode(record, ApprovalVoteCast.class));
        } else {
            request(record, decoder.decode(record, AccessRequested.class));
        }
    }

    private void request(ConsumerRecord<String, byte[]> record, AccessRequested event) {
        String requestId = event.getRequestId();
        PendingApprovals table = ownedTable(record, requestId);
        if (table.find(requestId).isPresent()) {
            log.info("Request {} waits for votes already; {}-{}@{} changes nothing", requestId, record.topic(),
                    record.partition(), record.offset());
            return;
        }
        PolicyRequest request;
        AskedAccess asked;
        try {
            request = new PolicyRequest(requestId, new Requester(event.getRequester().getId(),
                    event.getRequester().getGroups()), event.getResource().getKind(), event.getResource().getName(),
                    event.getScope().getActions(), event.getScope().getColumns(), event.getReason(),
                    event.getTicket(), Duration.ofMillis(event.getRequestedDurationMs()), event.getBreakGlass());
            asked = StateRecords.asked(event);
        } catch (IllegalArgumentException | NullPointerException invalid) {
            throw new RejectedRecordException("request " + requestId + " cannot be decided: " + invalid.getMessage(),
                    List.of());
        }
        Instant now = clock.instant();
        boolean bundle = DecisionPublisher.BUNDLE.equals(request.resourceKind());
        PolicyDecision decision = bundle
                ? policies.get().evaluateBundle(new BundleRequest(requestId, request.requester(),
                        request.resourceName(), request.reason(), request.ticket(), request.duration(),
                        request.breakGlass()), now).decision()
                : policies.get().evaluate(request, now);
        String rules = DecisionPublisher.policy(decision.rules());
        if (decision instanceof PolicyDecision.Approve approve) {
            publisher.approved(event, approve, now);
            if (bundle) {
                publisher.parts(asked, policies.get().bundle(request.resourceName()), approve.duration(),
                        approve.rules(), List.of(), approve.breakGlass(), now);
            }
            if (approve.breakGlass()) {
                log.warn("Break-glass: request {} by {} approved without approvers for {} (rules {}); reason: {}",
                        requestId, asked.requesterId(), approve.duration(), rules, asked.reason());
            } else {
                log.debug("Request {} approved by {} for {}: {}", requestId, rules, approve.duration(),
                        approve.reason());
            }
        } else if (decision instanceof PolicyDecision.Deny deny) {
            publisher.denied(event, deny, now);
            log.debug("Request {} denied by {}: {}", requestId, rules, deny.reason());
        } else if (decision instanceof PolicyDecision.Require require) {
            PendingRequest pending = PendingRequest.open(asked, require, now);
            publisher.pending(pending, now);
            table.open(pending);
            log.info("Request {} by {} waits for votes: {} (rules {}), until {}", requestId, asked.requesterId(),
                    require.reason(), rules, pending.decideBy());
        }
    }

    private void vote(ConsumerRecord<String, byte[]> record, ApprovalVoteCast event) {
        String requestId = event.getRequestId();
        CastVote vote = castVote(event);
        PendingApprovals table = ownedTable(record, requestId);
        Instant now = clock.instant();
        VoteOutcome outcome = table.vote(requestId, vote, now);
        if (outcome instanceof VoteOutcome.StillPending stillPending) {
            publisher.state(stillPending.request());
            log.info("Request {}: {} of {} recorded; it still waits for votes", requestId, vote.choice(),
                    vote.voterId());
        } else if (outcome instanceof VoteOutcome.Decisive decisive) {
            publisher.decided(decisive.decision(), now);
            if (decisive.decision() instanceof Decided.Approved approved
                    && DecisionPublisher.BUNDLE.equals(approved.request().asked().resourceKind())) {
                // The bundle as defined when it is approved: a reload meanwhile applies, as it does to new requests.
                PendingRequest pending = approved.request();
                publisher.parts(pending.asked(), policies.get().bundle(pending.asked().resourceName()),
                        pending.duration(), pending.rules(), approved.approvers(), false, now);
            }
            log.info("Request {} {} on the {} of {}", requestId, decidedAs(decisive.decision()), vote.choice(),
                    vote.voterId());
        } else if (outcome instanceof VoteOutcome.Duplicate duplicate) {
            log.info("Request {}: vote {} counted once: {}", requestId, vote.eventId(), duplicate.why());
        } else if (outcome instanceof VoteOutcome.Refused refusal) {
            refusedInAttempt.add(refusal.refusal());
            log.info("Request {}: {} of {} refused ({}): {}", requestId, vote.choice(), vote.voterId(),
                    refusal.refusal().tag(), refusal.why());
            Decided.TimedOut timedOut = refusal.timedOut();
            if (timedOut != null) {
                publisher.decided(timedOut, now);
                log.info("Request {} of {} timed out: {} (rules {}, deadline {})", requestId,
                        timedOut.request().asked().requesterId(), timedOut.reason(),
                        DecisionPublisher.policy(timedOut.request().rules()), timedOut.request().decideBy());
            }
        }
    }

    private static CastVote castVote(ApprovalVoteCast event) {
        CastVote.Choice choice = switch (event.getVote()) {
            case APPROVE -> CastVote.Choice.APPROVE;
            case DENY -> CastVote.Choice.DENY;
            case WITHDRAW -> CastVote.Choice.WITHDRAW;
            // A symbol of a newer writer this reader does not know: parked, so it can be re-driven after an upgrade.
            case UNKNOWN -> throw new RejectedRecordException("vote " + event.getEventId() + " on request "
                    + event.getRequestId() + " is neither APPROVE, DENY nor WITHDRAW", List.of());
        };
        try {
            return new CastVote(event.getEventId(), event.getVoter(), new HashSet<>(event.getVoterGroups()), choice,
                    event.getComment(), event.getOccurredAt());
        } catch (IllegalArgumentException | NullPointerException invalid) {
            throw new RejectedRecordException("vote " + event.getEventId() + " on request " + event.getRequestId()
                    + " cannot be counted: " + invalid.getMessage(), List.of());
        }
    }

    /**
     * The pending table, with the request's partition read back. A record on another partition than its request id's
     * is parked: the state it needs belongs to whoever owns the other partition.
     */
    private PendingApprovals ownedTable(ConsumerRecord<String, byte[]> record, String requestId) {
        int partition = Partitions.of(requestId);
        if (partition != record.partition()) {
            throw new RejectedRecordException(record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " is for request " + requestId + ", which belongs to partition " + partition
                    + ": every record of a request is on its id's partition", List.of());
        }
        state.ensureRestored(partition);
        return state.table();
    }

    private static String decidedAs(Decided decided) {
        if (decided instanceof Decided.Approved) {
            return "approved";
        }
        return decided instanceof Decided.Withdrawn ? "withdrawn" : "denied";
    }
}
