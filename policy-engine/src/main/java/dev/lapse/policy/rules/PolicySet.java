package dev.lapse.policy.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * All rules, table tags and bundles of one policy directory, loaded and validated as a whole; immutable and safe
 * to share between threads. See the package documentation for the file format and how rules combine.
 */
public final class PolicySet {

    /** The name under which "no rule allows this" decisions are recorded. */
    public static final String DEFAULT_DENY = "default-deny";

    /** How long a pending request waits for approvals when no matching rule says. */
    public static final Duration DEFAULT_PENDING_TIMEOUT = Duration.ofHours(24);

    private final List<Rule> rules;
    private final TableTags tableTags;
    private final Map<String, Bundle> bundles;
    /**
     * The positions of the rules in {@link #rules}, filed by the literal start of their table pattern (up to its
     * first wildcard): a rule can match a table only if that start is a prefix of the table's name, so a decision
     * looks only at the rules filed under the prefixes of the name (see {@link #candidates}) instead of matching
     * every rule's pattern. With 1,000 rules over 100 databases that is about ten rules instead of 1,000.
     */
    private final Map<String, List<Integer>> byTablePrefix = new HashMap<>();
    private final int longestTablePrefix;

    PolicySet(List<Rule> rules, TableTags tableTags, Map<String, Bundle> bundles) {
        this.rules = List.copyOf(rules);
        this.tableTags = tableTags;
        this.bundles = Map.copyOf(bundles);
        int longest = 0;
        for (int i = 0; i < this.rules.size(); i++) {
            String prefix = this.rules.get(i).table().literalPrefix();
            byTablePrefix.computeIfAbsent(prefix, p -> new ArrayList<>()).add(i);
            longest = Math.max(longest, prefix.length());
        }
        this.longestTablePrefix = longest;
    }

    /** The rules whose table pattern may match {@code table}, in declaration order. */
    private List<Rule> candidates(String table) {
        List<Integer> positions = new ArrayList<>();
        for (int length = 0; length <= Math.min(table.length(), longestTablePrefix); length++) {
            List<Integer> filed = byTablePrefix.get(table.substring(0, length));
            if (filed != null) {
                positions.addAll(filed);
            }
        }
        positions.sort(null);
        List<Rule> candidates = new ArrayList<>(positions.size());
        positions.forEach(position -> candidates.add(rules.get(position)));
        return candidates;
    }

    /**
     * Loads every {@code *.yaml} and {@code *.yml} file directly in {@code directory}, in name order. Either all
     * files are valid and the result is {@link PolicyLoad.Loaded}, or it is {@link PolicyLoad.Failed} with every
     * error found: a caller that reloads keeps its current set on failure (see {@link CurrentPolicies}).
     */
    public static PolicyLoad load(Path directory) {
        if (!Files.isDirectory(directory)) {
            return new PolicyLoad.Failed(List.of(new LoadError(directory.toString(), 0, "not a directory")));
        }
        List<PolicySource> sources = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(PolicySet::isPolicyFile).sorted().toList()) {
                sources.add(new PolicySource(file.getFileName().toString(),
                        Files.readString(file, StandardCharsets.UTF_8)));
            }
        } catch (IOException | UncheckedIOException e) {
            return new PolicyLoad.Failed(List.of(new LoadError(directory.toString(), 0, "cannot read: " + e)));
        }
        if (sources.isEmpty()) {
            // An empty set would deny everything; more likely the wrong directory than an intent.
            return new PolicyLoad.Failed(List.of(new LoadError(directory.toString(), 0, "no policy files (*.yaml)")));
        }
        return load(sources);
    }

    /** Loads policy files given as text (for files that do not live in a directory, such as a jar's resources). */
    public static PolicyLoad load(List<PolicySource> sources) {
        return PolicyParser.parse(sources);
    }

    private static boolean isPolicyFile(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    /** The rules, in file and then declaration order. */
    public List<Rule> rules() {
        return rules;
    }

    /** The column tags declared per table. */
    public TableTags tableTags() {
        return tableTags;
    }

    /** Every bundle, by name in name order. */
    public List<Bundle> bundles() {
        return bundles.values().stream().sorted(Comparator.comparing(Bundle::name)).toList();
    }

    /** The bundle of that name, if any. */
    public @Nullable Bundle bundle(String name) {
        return bundles.get(name);
    }

    /** Decides one request at {@code now}: the time conditions see, so a decision is reproducible. */
    public PolicyDecision evaluate(PolicyRequest request, Instant now) {
        return evaluate(request, now, "");
    }

    private PolicyDecision evaluate(PolicyRequest request, Instant now, String bundle) {
        if (request.actions().isEmpty()) {
            return new PolicyDecision.Deny("no actions requested", List.of(DEFAULT_DENY));
        }
        List<Atom> atoms = new ArrayList<>();
        for (String action : request.actions()) {
            if (request.columns().isEmpty()) {
                atoms.add(new Atom(action, null));
            }
            for (String column : request.columns()) {
                atoms.add(new Atom(action, column));
            }
        }
        Map<String, Object> variables = variables(request, now, bundle);
        List<Rule> applying = new ArrayList<>();
        for (Rule rule : candidates(request.resourceName())) {
            if (rule.outcome() == Outcome.BREAK_GLASS && !request.breakGlass()) {
                continue;
            }
            // Target and table are the same for every atom: a rule about another one is passed over at once.
            if (!rule.target().matches(request.resourceKind()) || !rule.table().matches(request.resourceName())) {
                continue;
            }
            if (atoms.stream().noneMatch(atom -> matches(rule, request, atom))) {
                continue;
            }
            if (rule.condition() != null) {
                try {
                    if (!rule.condition().test(variables)) {
                        continue;
                    }
                } catch (Condition.EvaluationFailure e) {
                    // Fail closed: a condition that cannot be evaluated might have been the one to deny.
                    return new PolicyDecision.Deny("rule " + rule.name() + " could not be evaluated ("
                            + e.getMessage() + "); denied to be safe", List.of(rule.name()));
                }
            }
            applying.add(rule);
        }

        List<Rule> denying = applying.stream().filter(rule -> rule.outcome() == Outcome.DENY).toList();
        if (!denying.isEmpty()) {
            return new PolicyDecision.Deny(denying.stream().map(Rule::reason).distinct()
                    .collect(Collectors.joining("; ")), names(denying));
        }
        List<Rule> granting = applying;
        // A break-glass request bypasses approvals only for what break-glass rules cover.
        List<Rule> covering = request.breakGlass()
                ? granting.stream().filter(rule -> rule.outcome() == Outcome.BREAK_GLASS).toList() : granting;
        List<Atom> uncovered = atoms.stream()
                .filter(atom -> covering.stream().noneMatch(rule -> matches(rule, request, atom))).toList();
        if (!uncovered.isEmpty()) {
            String none = request.breakGlass() ? "no break-glass rule allows " : "no policy allows ";
            return new PolicyDecision.Deny(none + describe(uncovered) + " on " + request.resourceKind() + " "
                    + request.resourceName()
                    + (request.breakGlass() ? "; ask without break-glass" : ""), List.of(DEFAULT_DENY));
        }

        Rule capping = granting.stream().filter(rule -> rule.maxDuration() != null)
                .min(Comparator.comparing(Rule::maxDuration)).orElse(null);
        Duration duration = capping != null && capping.maxDuration().compareTo(request.duration()) < 0
                ? capping.maxDuration() : request.duration();
        String capped = duration.equals(request.duration()) ? ""
                : ", duration capped at " + duration + " by rule " + Objects.requireNonNull(capping).name();

        if (request.breakGlass()) {
            if (request.reason().isBlank()) {
                return new PolicyDecision.Deny("break-glass needs a reason", names(covering));
            }
            return new PolicyDecision.Approve(duration, true, "break-glass: self-approved, to be reviewed" + capped,
                    names(granting));
        }
        List<Rule> requiring = granting.stream().filter(rule -> rule.outcome() == Outcome.REQUIRE).toList();
        if (!requiring.isEmpty()) {
            Set<ApprovalTier> tiers = new LinkedHashSet<>();
            requiring.forEach(rule -> tiers.addAll(rule.tiers()));
            Duration timeout = granting.stream().map(Rule::pendingTimeout).filter(Objects::nonNull)
                    .min(Comparator.naturalOrder()).orElse(DEFAULT_PENDING_TIMEOUT);
            return new PolicyDecision.Require(List.copyOf(tiers), duration, timeout, "needs approval by "
                    + tiers.stream().map(ApprovalTier::toString).collect(Collectors.joining(" and ")) + capped,
                    names(granting));
        }
        return new PolicyDecision.Approve(duration, false, "approved by policy" + capped, names(granting));
    }

    /**
     * Decides a bundle as one: denied unless the requester is in one of its {@code requestableBy} groups; then
     * each scope is decided as a request of its own and the results combine strictly, as rules do (any denied
     * scope denies the bundle, requirements add up, the shortest duration and pending timeout apply).
     */
    public BundleDecision evaluateBundle(BundleRequest request, Instant now) {
        Bundle bundle = bundles.get(request.bundle());
        if (bundle == null) {
            return new BundleDecision(new PolicyDecision.Deny("no bundle named " + request.bundle(),
                    List.of(DEFAULT_DENY)), List.of());
        }
        String bundleName = "bundle:" + bundle.name();
        if (bundle.requestableBy().stream().noneMatch(request.requester().groups()::contains)) {
            return new BundleDecision(new PolicyDecision.Deny("bundle " + bundle.name()
                    + " may be requested by members of " + String.join(", ", bundle.requestableBy()) + " only",
                    List.of(bundleName)), List.of());
        }
        Duration asked = bundle.maxDuration() != null && bundle.maxDuration().compareTo(request.duration()) < 0
                ? bundle.maxDuration() : request.duration();
        List<BundleDecision.ScopeDecision> scopes = new ArrayList<>();
        for (Bundle.Scope scope : bundle.scopes()) {
            PolicyRequest scoped = new PolicyRequest(request.id(), request.requester(), scope.resourceKind(),
                    scope.resourceName(), scope.actions(), scope.columns(), request.reason(), request.ticket(),
                    asked, request.breakGlass());
            scopes.add(new BundleDecision.ScopeDecision(scope, evaluate(scoped, now, bundle.name())));
        }
        return new BundleDecision(combine(bundleName, scopes), scopes);
    }

    private static PolicyDecision combine(String bundleName, List<BundleDecision.ScopeDecision> scopes) {
        Set<String> rules = new LinkedHashSet<>();
        rules.add(bundleName);
        scopes.forEach(scope -> rules.addAll(scope.decision().rules()));
        List<String> denied = scopes.stream().filter(scope -> scope.decision() instanceof PolicyDecision.Deny)
                .map(scope -> scope.scope() + ": " + scope.decision().reason()).toList();
        if (!denied.isEmpty()) {
            return new PolicyDecision.Deny("denied because " + String.join("; ", denied), List.copyOf(rules));
        }
        Duration duration = null;
        Duration timeout = null;
        Set<ApprovalTier> tiers = new LinkedHashSet<>();
        boolean breakGlass = false;
        for (BundleDecision.ScopeDecision scope : scopes) {
            Duration scopeDuration;
            if (scope.decision() instanceof PolicyDecision.Require require) {
                tiers.addAll(require.tiers());
                timeout = timeout == null || require.pendingTimeout().compareTo(timeout) < 0
                        ? require.pendingTimeout() : timeout;
                scopeDuration = require.duration();
            } else {
                PolicyDecision.Approve approve = (PolicyDecision.Approve) scope.decision();
                breakGlass |= approve.breakGlass();
                scopeDuration = approve.duration();
            }
            duration = duration == null || scopeDuration.compareTo(duration) < 0 ? scopeDuration : duration;
        }
        Objects.requireNonNull(duration, "a bundle has at least one scope");
        if (!tiers.isEmpty()) {
            return new PolicyDecision.Require(List.copyOf(tiers), duration, Objects.requireNonNull(timeout),
                    "needs approval by " + tiers.stream().map(ApprovalTier::toString)
                            .collect(Collectors.joining(" and ")), List.copyOf(rules));
        }
        return new PolicyDecision.Approve(duration, breakGlass, breakGlass
                ? "break-glass: self-approved, to be reviewed" : "approved by policy", List.copyOf(rules));
    }

    private boolean matches(Rule rule, PolicyRequest request, Atom atom) {
        return rule.matches(request.resourceKind(), request.resourceName(), atom.action(), atom.column(), tableTags);
    }

    private static Map<String, Object> variables(PolicyRequest request, Instant now, String bundle) {
        Map<String, Object> resource = Map.of("kind", request.resourceKind(), "name", request.resourceName());
        Map<String, Object> req = new HashMap<>();
        req.put("id", request.id());
        req.put("actions", request.actions());
        req.put("columns", request.columns());
        req.put("resource", resource);
        req.put("reason", request.reason());
        // Always present, so that a condition can test it without first testing for the key.
        req.put("ticket", request.ticket() == null ? "" : request.ticket());
        req.put("breakGlass", request.breakGlass());
        req.put("bundle", bundle);
        Map<String, Object> requester = Map.of("id", request.requester().id(), "groups",
                request.requester().groups());
        return Map.of("request", req, "requester", requester, "now", now, "duration", request.duration());
    }

    private static List<String> names(List<Rule> rules) {
        return rules.stream().map(Rule::name).toList();
    }

    /** "SELECT on ssn, card_number, DELETE on the whole table", grouping columns per action. */
    private static String describe(List<Atom> atoms) {
        Map<String, List<String>> byAction = new LinkedHashMap<>();
        atoms.forEach(atom -> byAction.computeIfAbsent(atom.action(), a -> new ArrayList<>())
                .add(atom.column() == null ? "the whole table (name the columns)" : atom.column()));
        return byAction.entrySet().stream().map(e -> e.getKey() + " on " + String.join(", ", e.getValue()))
                .collect(Collectors.joining("; "));
    }

    /** One action on one column, or on the whole table: the unit rules cover. */
    private record Atom(String action, @Nullable String column) {
    }
}
