package dev.lapse.request.notify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Notifier} driven like the edge drives it, over in-memory "topics" (one partition each, all of group 0):
 * records are published, polled, handled, answered and committed, and a restart builds a new notifier that reads
 * again from the committed offsets with their metadata. Time is {@link #nowMs}, relative to {@link Fixtures#T0}.
 */
final class NotifierHarness {

    static final Source REQUESTED = new Source("lapse.access.requested", 0);
    static final Source PENDING = new Source("lapse.approval.pending", 0);
    static final Source APPROVED = new Source("lapse.access.approved", 0);
    static final Source DENIED = new Source("lapse.access.denied", 0);
    static final Source GRANTED = new Source("lapse.access.granted", 0);
    static final Source EXPIRED = new Source("lapse.access.expired", 0);
    static final List<Source> SOURCES = List.of(REQUESTED, PENDING, APPROVED, DENIED, GRANTED, EXPIRED);

    static final Notifier.Options OPTIONS = new Notifier.Options(Duration.ofSeconds(60),
            new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), 4), 16, Duration.ofHours(1),
            Duration.ofSeconds(2));

    private final List<Webhook> webhooks;
    private final Map<Source, List<LifecycleEvent>> topics = new LinkedHashMap<>();
    private final Map<Source, Long> positions = new HashMap<>();
    private final Map<Source, Notifier.Commit> committed = new HashMap<>();
    final List<Dispatch> sent = new ArrayList<>();
    final List<DeliveryOutcome> outcomes = new ArrayList<>();
    Notifier notifier;
    long nowMs;

    NotifierHarness(List<Webhook> webhooks) {
        this.webhooks = webhooks;
        SOURCES.forEach(source -> topics.put(source, new ArrayList<>()));
        start();
    }

    static Webhook webhook(String name, NotificationType... wanted) {
        return new Webhook(name, java.net.URI.create("http://127.0.0.1:9/" + name),
                new WebhookSignature(("secret-of-" + name + "-0123456789").getBytes(StandardCharsets.UTF_8)),
                Set.of(wanted));
    }

    /** Writes an event to a topic; the notifier reads it at the next {@link #poll}. */
    NotifierHarness publish(Source source, LifecycleEvent event) {
        topics.get(source).add(event);
        return this;
    }

    /** Reads every unread record of the given topics (all of them when none is named), then ticks. */
    List<Dispatch> poll(Source... only) {
        List<Source> sources = only.length == 0 ? SOURCES : List.of(only);
        for (Source source : sources) {
            List<LifecycleEvent> records = topics.get(source);
            long position = positions.get(source);
            for (long offset = position; offset < records.size(); offset++) {
                LifecycleEvent event = records.get((int) offset);
                notifier.consumed(source, offset, event.occurredAt().toEpochMilli(), event, epochMs());
            }
            positions.put(source, (long) records.size());
        }
        for (Source source : SOURCES) {
            notifier.advanced(source, positions.get(source), positions.get(source) == topics.get(source).size()
                    && (only.length == 0 || List.of(only).contains(source)));
        }
        return tick();
    }

    List<Dispatch> tick() {
        return take(notifier.tick(epochMs()));
    }

    /** The receiver answers {@code dispatch} with {@code status}. */
    List<Dispatch> answer(Dispatch dispatch, int status) {
        return take(notifier.completed(dispatch.id(), new ReceiverAnswer.Status(status), epochMs()));
    }

    /** Answers 200 to each of {@code dispatches}, and to whatever follows them, until nothing is left. */
    void deliverAll(List<Dispatch> dispatches) {
        List<Dispatch> open = new ArrayList<>(dispatches);
        while (!open.isEmpty()) {
            open.addAll(answer(open.remove(0), 200));
        }
    }

    void advanceTo(long ms) {
        nowMs = ms;
    }

    Map<Source, Notifier.Commit> commit() {
        Map<Source, Notifier.Commit> commits = notifier.commits(epochMs());
        committed.putAll(commits);
        return commits;
    }

    /** A crash after the last {@link #commit}: a new notifier reads again from the committed offsets. */
    void restart() {
        start();
    }

    long epochMs() {
        return Fixtures.T0.toEpochMilli() + nowMs;
    }

    private void start() {
        notifier = new Notifier(OPTIONS, webhooks, () -> 0.0);
        Map<Source, Notifier.Restored> restored = new HashMap<>();
        for (Source source : SOURCES) {
            Notifier.Commit commit = committed.get(source);
            // A partition never committed starts at its end, as a new group does.
            positions.put(source, commit == null ? topics.get(source).size() : commit.offset());
            if (commit != null) {
                Notifier.Restored.parse(commit.metadata()).ifPresent(r -> restored.put(source, r));
            }
        }
        notifier.assigned(SOURCES, restored);
    }

    private List<Dispatch> take(Notifier.Step step) {
        sent.addAll(step.dispatches());
        outcomes.addAll(step.outcomes());
        return new ArrayList<>(step.dispatches());
    }
}
