package dev.lapse.policy.rules;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import java.io.StringReader;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads policy files into rules, table tags and bundles, collecting every error with its file and line. It walks
 * SnakeYAML's node graph (not plain maps) so that each error can point at the line it is about.
 */
final class PolicyParser {

    /** The CEL environment every condition is compiled in: the variables a condition may read, and their types. */
    static final Cel CEL = CelFactory.standardCelBuilder()
            .setOptions(CelOptions.current().build())
            .addVar("request", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("requester", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("now", SimpleType.TIMESTAMP)
            .addVar("duration", SimpleType.DURATION)
            .build();

    private static final Set<String> FILE_KEYS = Set.of("tables", "rules", "bundles");
    private static final Set<String> TABLE_KEYS = Set.of("columns");
    private static final Set<String> RULE_KEYS = Set.of("name", "description", "target", "table", "actions",
            "columns", "tags", "excludeTags", "when", "outcome", "reason", "approvals", "maxDuration",
            "pendingTimeout");
    private static final Set<String> TIER_KEYS = Set.of("count", "groups");
    private static final Set<String> BUNDLE_KEYS = Set.of("description", "requestableBy", "maxDuration", "scopes");
    private static final Set<String> SCOPE_KEYS = Set.of("target", "table", "actions", "columns");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]*");
    private static final Pattern SHORT_DURATION = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    private final List<LoadError> errors = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, String> ruleLocations = new HashMap<>();
    private final Map<String, Map<String, Set<String>>> tables = new TreeMap<>();
    private final Map<String, String> tableLocations = new HashMap<>();
    private final Map<String, Bundle> bundles = new LinkedHashMap<>();
    private final Map<String, String> bundleLocations = new HashMap<>();
    /** Tags named by rules, with where, to check once all files are read that some column carries them. */
    private final Map<String, List<LoadError>> tagUses = new LinkedHashMap<>();

    private String file = "";

    /** Reads all sources, in order; any error in any of them fails the whole load. */
    static PolicyLoad parse(List<PolicySource> sources) {
        PolicyParser parser = new PolicyParser();
        for (PolicySource source : sources) {
            parser.parse(source);
        }
        return parser.finish();
    }

    private void parse(PolicySource source) {
        file = source.name();
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(source.text()));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            errors.add(new LoadError(file, line, "not valid YAML: " + e.getProblem()));
            return;
        } catch (YAMLException e) {
            errors.add(new LoadError(file, 0, "not valid YAML: " + e.getMessage()));
            return;
        }
        if (root == null) {
            return;
        }
        Map<String, Node> top = mapping(root, "a policy file", FILE_KEYS, Set.of());
        if (top == null) {
            return;
        }
        if (top.containsKey("tables")) {
            parseTables(top.get("tables"));
        }
        if (top.containsKey("rules")) {
            SequenceNode list = sequence(top.get("rules"), "rules");
            if (list != null) {
                list.getValue().forEach(this::parseRule);
            }
        }
        if (top.containsKey("bundles")) {
            Map<String, Node> named = mapping(top.get("bundles"), "bundles", null, Set.of());
            if (named != null) {
                named.forEach(this::parseBundle);
            }
        }
    }

    private PolicyLoad finish() {
        TableTags tableTags = new TableTags(tables);
        tagUses.forEach((tag, uses) -> {
            if (!tableTags.declares(tag)) {
                errors.addAll(uses);
            }
        });
        if (!errors.isEmpty()) {
            return new PolicyLoad.Failed(errors);
        }
        return new PolicyLoad.Loaded(new PolicySet(rules, tableTags, bundles));
    }

    private void parseTables(Node node) {
        Map<String, Node> named = mapping(node, "tables", null, Set.of());
        if (named == null) {
            return;
        }
        named.forEach((table, tableNode) -> {
            if (!NAME.matcher(table).matches()) {
                error(tableNode, "bad table name '" + table + "'");
                return;
            }
            if (!unique(tableLocations, table, tableNode, "table")) {
                return;
            }
            Map<String, Node> keys = mapping(tableNode, "table " + table, TABLE_KEYS, TABLE_KEYS);
            if (keys == null) {
                return;
            }
            Map<String, Node> columns = mapping(keys.get("columns"), "columns of " + table, null, Set.of());
            if (columns == null) {
                return;
            }
            Map<String, Set<String>> tags = new TreeMap<>();
            columns.forEach((column, tagNode) -> {
                List<String> list = strings(tagNode, "tags of " + table + "." + column);
                if (list != null) {
                    tags.put(column, Set.copyOf(list));
                }
            });
            tables.put(table, Map.copyOf(tags));
        });
    }

    private void parseRule(Node node) {
        Map<String, Node> keys = mapping(node, "a rule", RULE_KEYS, Set.of("name", "target", "table", "actions",
                "outcome"));
        if (keys == null) {
            return;
        }
        int errorsBefore = errors.size();
        String name = text(keys.get("name"), "name");
        if (name != null && !NAME.matcher(name).matches()) {
            error(keys.get("name"), "bad rule name '" + name + "': letters, digits, '_', '.', '/', '-' only");
        } else if (name != null) {
            unique(ruleLocations, name, keys.get("name"), "rule");
        }
        Glob target = glob(keys.get("target"), "target");
        Glob table = glob(keys.get("table"), "table");
        Set<String> actions = new LinkedHashSet<>();
        List<String> actionList = strings(keys.get("actions"), "actions");
        if (actionList != null) {
            actionList.forEach(action -> actions.add(action.toUpperCase(Locale.ROOT)));
            if (actions.isEmpty()) {
                error(keys.get("actions"), "actions must name at least one action (or '*')");
            }
        }
        List<Glob> columns = new ArrayList<>();
        if (keys.containsKey("columns")) {
            List<String> list = strings(keys.get("columns"), "columns");
            if (list != null) {
                for (String column : list) {
                    try {
                        columns.add(new Glob(column));
                    } catch (IllegalArgumentException e) {
                        error(keys.get("columns"), e.getMessage());
                    }
                }
            }
        }
        Set<String> tags = tags(keys.get("tags"), "tags");
        Set<String> excludeTags = tags(keys.get("excludeTags"), "excludeTags");
        Condition condition = keys.containsKey("when") ? condition(keys.get("when")) : null;
        Outcome outcome = null;
        String outcomeText = text(keys.get("outcome"), "outcome");
        if (outcomeText != null) {
            try {
                outcome = Outcome.valueOf(outcomeText.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                error(keys.get("outcome"), "unknown outcome '" + outcomeText
                        + "': approve, deny, require or break-glass");
            }
        }
        String reason = keys.containsKey("reason") ? text(keys.get("reason"), "reason") : "";
        if (outcome == Outcome.DENY && (reason == null || reason.isBlank())) {
            error(node, "a deny rule needs a reason (the requester sees it)");
        }
        List<ApprovalTier> tiers = List.of();
        if (outcome == Outcome.REQUIRE) {
            if (!keys.containsKey("approvals")) {
                error(node, "a require rule needs approvals: a list of tiers, each with count and groups");
            } else {
                tiers = tiers(keys.get("approvals"));
            }
        } else if (outcome != null && keys.containsKey("approvals")) {
            error(keys.get("approvals"), "approvals belong to outcome require, not " + outcomeText);
        }
        Duration maxDuration = keys.containsKey("maxDuration") ? duration(keys.get("maxDuration")) : null;
        Duration pendingTimeout = keys.containsKey("pendingTimeout") ? duration(keys.get("pendingTimeout")) : null;
        if (errors.size() > errorsBefore || name == null || target == null || table == null || outcome == null) {
            return;
        }
        rules.add(new Rule(name, file, line(node), target, table, actions, columns, tags, excludeTags, condition,
                outcome, reason == null ? "" : reason, tiers, maxDuration, pendingTimeout));
    }

    private void parseBundle(String name, Node node) {
        if (!NAME.matcher(name).matches()) {
            error(node, "bad bundle name '" + name + "'");
            return;
        }
        if (!unique(bundleLocations, name, node, "bundle")) {
            return;
        }
        Map<String, Node> keys = mapping(node, "bundle " + name, BUNDLE_KEYS, Set.of("requestableBy", "scopes"));
        if (keys == null) {
            return;
        }
        int errorsBefore = errors.size();
        String description = keys.containsKey("description") ? text(keys.get("description"), "description") : "";
        List<String> requestableBy = strings(keys.get("requestableBy"), "requestableBy");
        Duration maxDuration = keys.containsKey("maxDuration") ? duration(keys.get("maxDuration")) : null;
        List<Bundle.Scope> scopes = new ArrayList<>();
        SequenceNode list = sequence(keys.get("scopes"), "scopes");
        if (list != null) {
            if (list.getValue().isEmpty()) {
                error(list, "bundle " + name + " has no scopes");
            }
            for (Node scopeNode : list.getValue()) {
                Map<String, Node> scope = mapping(scopeNode, "a scope", SCOPE_KEYS, Set.of("target", "table",
                        "actions"));
                if (scope == null) {
                    continue;
                }
                String target = text(scope.get("target"), "target");
                String table = text(scope.get("table"), "table");
                List<String> actions = strings(scope.get("actions"), "actions");
                List<String> columns = scope.containsKey("columns") ? strings(scope.get("columns"), "columns")
                        : List.of();
                if (target != null && table != null && actions != null && columns != null) {
                    scopes.add(new Bundle.Scope(target, table, actions, columns));
                }
            }
        }
        if (errors.size() == errorsBefore && requestableBy != null) {
            bundles.put(name, new Bundle(name, description == null ? "" : description, requestableBy, maxDuration,
                    scopes));
        }
    }

    private List<ApprovalTier> tiers(Node node) {
        SequenceNode list = sequence(node, "approvals");
        if (list == null) {
            return List.of();
        }
        if (list.getValue().isEmpty()) {
            error(list, "approvals must list at least one tier");
        }
        List<ApprovalTier> tiers = new ArrayList<>();
        for (Node tierNode : list.getValue()) {
            Map<String, Node> keys = mapping(tierNode, "an approval tier", TIER_KEYS, Set.of("groups"));
            if (keys == null) {
                continue;
            }
            int count = 1;
            if (keys.containsKey("count")) {
                String text = text(keys.get("count"), "count");
                try {
                    count = Integer.parseInt(text == null ? "" : text);
                } catch (NumberFormatException e) {
                    error(keys.get("count"), "count must be a whole number, got '" + text + "'");
                    continue;
                }
            }
            List<String> groups = strings(keys.get("groups"), "groups");
            if (groups == null) {
                continue;
            }
            try {
                tiers.add(new ApprovalTier(count, groups));
            } catch (IllegalArgumentException e) {
                error(tierNode, e.getMessage());
            }
        }
        return tiers;
    }

    private @Nullable Condition condition(Node node) {
        String expression = text(node, "when");
        if (expression == null) {
            return null;
        }
        // Block scalars (| and >) start on the line after the key; other styles on the key's line.
        ScalarNode scalar = (ScalarNode) node;
        int firstLine = line(node) + (scalar.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL
                || scalar.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED ? 1 : 0);
        try {
            CelAbstractSyntaxTree ast = CEL.compile(expression).getAst();
            CelKind kind = ast.getResultType().kind();
            if (kind != CelKind.BOOL && kind != CelKind.DYN) {
                error(node, "condition must give true or false, but gives " + ast.getResultType().name());
                return null;
            }
            return new Condition(expression, CEL.createProgram(ast));
        } catch (CelValidationException e) {
            for (CelIssue issue : e.getErrors()) {
                int celLine = Math.max(1, issue.getSourceLocation().getLine());
                errors.add(new LoadError(file, firstLine + celLine - 1, "bad condition '" + expression.strip()
                        + "': " + issue.getMessage() + " (at column " + (issue.getSourceLocation().getColumn() + 1)
                        + " of the expression)"));
            }
            return null;
        } catch (CelEvaluationException e) {
            error(node, "bad condition '" + expression.strip() + "': " + e.getMessage());
            return null;
        }
    }

    private @Nullable Glob glob(Node node, String what) {
        String text = text(node, what);
        if (text == null) {
            return null;
        }
        try {
            return new Glob(text);
        } catch (IllegalArgumentException e) {
            error(node, what + ": " + e.getMessage());
            return null;
        }
    }

    private Set<String> tags(@Nullable Node node, String what) {
        if (node == null) {
            return Set.of();
        }
        List<String> list = strings(node, what);
        if (list == null) {
            return Set.of();
        }
        for (String tag : list) {
            tagUses.computeIfAbsent(tag, t -> new ArrayList<>()).add(new LoadError(file, line(node),
                    "unknown tag '" + tag + "' in " + what + ": no column of any table carries it"));
        }
        return Set.copyOf(list);
    }

    private @Nullable Duration duration(Node node) {
        String text = text(node, "a duration");
        if (text == null) {
            return null;
        }
        Duration duration = null;
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                duration = Duration.parse(text);
            } catch (DateTimeParseException e) {
                duration = null;
            }
        } else {
            Matcher m = SHORT_DURATION.matcher(text);
            if (!text.isEmpty() && m.matches()) {
                duration = Duration.ofDays(number(m.group(1))).plusHours(number(m.group(2)))
                        .plusMinutes(number(m.group(3))).plusSeconds(number(m.group(4)));
            }
        }
        if (duration == null || duration.isZero() || duration.isNegative()) {
            error(node, "bad duration '" + text + "': write a positive duration like 30m, 1h, 2h30m, 1d or PT1H");
            return null;
        }
        return duration;
    }

    private static long number(@Nullable String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }

    /**
     * A mapping's entries by key, checking that keys are unique, known ({@code allowed}; null: any) and that
     * {@code required} ones are there. Null (and an error recorded) when the node is no mapping.
     */
    private @Nullable Map<String, Node> mapping(Node node, String what, @Nullable Set<String> allowed,
            Set<String> required) {
        if (!(node instanceof MappingNode mappingNode)) {
            error(node, what + " must be a mapping (key: value)");
            return null;
        }
        Map<String, Node> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mappingNode.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : null;
            if (key == null) {
                error(tuple.getKeyNode(), "keys in " + what + " must be plain names");
            } else if (entries.containsKey(key)) {
                error(tuple.getKeyNode(), "duplicate key '" + key + "' in " + what);
            } else if (allowed != null && !allowed.contains(key)) {
                error(tuple.getKeyNode(), "unknown key '" + key + "' in " + what + "; known keys: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            } else {
                entries.put(key, tuple.getValueNode());
            }
        }
        for (String key : required) {
            if (!entries.containsKey(key)) {
                error(node, "missing required key '" + key + "' in " + what);
            }
        }
        return required.stream().allMatch(entries::containsKey) ? entries : null;
    }

    private @Nullable SequenceNode sequence(Node node, String what) {
        if (node instanceof SequenceNode sequenceNode) {
            return sequenceNode;
        }
        error(node, what + " must be a list");
        return null;
    }

    /** A list of plain values; a single value stands for a list of one. */
    private @Nullable List<String> strings(Node node, String what) {
        if (node instanceof ScalarNode) {
            String one = text(node, what);
            return one == null ? null : List.of(one);
        }
        SequenceNode list = sequence(node, what);
        if (list == null) {
            return null;
        }
        List<String> values = new ArrayList<>();
        for (Node item : list.getValue()) {
            String value = text(item, what);
            if (value == null) {
                return null;
            }
            values.add(value);
        }
        return values;
    }

    private @Nullable String text(Node node, String what) {
        if (node instanceof ScalarNode scalar && !scalar.getValue().isEmpty()) {
            return scalar.getValue();
        }
        error(node, what + " must be a non-empty value");
        return null;
    }

    private boolean unique(Map<String, String> seen, String name, Node node, String what) {
        String location = file + ":" + line(node);
        String earlier = seen.putIfAbsent(name, location);
        if (earlier != null) {
            error(node, "duplicate " + what + " '" + name + "', already defined at " + earlier);
            return false;
        }
        return true;
    }

    private void error(Node node, String message) {
        errors.add(new LoadError(file, line(node), message));
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }
}
