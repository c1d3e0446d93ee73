package dev.lapse.grant.target;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The targets configured in this grant issuer, by name. A request's resource kind names its target; a kind with no
 * target here is granted as an event only, for the consumers of the grant topic to act on.
 */
public final class Targets implements AutoCloseable {

    private final Map<String, Target> byName;

    public Targets(Collection<? extends Target> targets) {
        Map<String, Target> named = new LinkedHashMap<>();
        for (Target target : targets) {
            if (named.putIfAbsent(target.name(), target) != null) {
                throw new IllegalArgumentException("two targets are named " + target.name());
            }
        }
        this.byName = Map.copyOf(named);
    }

    /** No targets: every grant is an event only. */
    public static Targets none() {
        return new Targets(List.of());
    }

    /** The target a resource of this kind lives in, if Lapse provisions it itself. */
    public Optional<Target> forKind(String kind) {
        return Optional.ofNullable(byName.get(kind));
    }

    public Collection<Target> all() {
        return byName.values();
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    /** Closes every target, each even when another fails to close. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Target target : byName.values()) {
            try {
                target.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
