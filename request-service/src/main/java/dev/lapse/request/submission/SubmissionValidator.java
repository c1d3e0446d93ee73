package dev.lapse.request.submission;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a request must keep to be accepted, the same for REST and for the Kafka ingress. Returns every
 * violation, one line each, so a requester can fix them all at once.
 */
public final class SubmissionValidator {

    /** Actions a PostgreSQL grant can carry. */
    public static final Set<String> POSTGRES_ACTIONS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE");

    /** The resource kind of a request for a requestable role (a bundle), whose name is the resource's name. */
    public static final String BUNDLE = "bundle";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+-]{1,200}");
    private static final Pattern BUNDLE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    private static final Duration MIN_DURATION = Duration.ofSeconds(1);
    private static final int MAX_TEXT = 2000;

    private final Duration maxDuration;

    /** Settings: the longest duration anyone may ask for (policy may cap it further). */
    public record Options(Duration maxDuration) {
        public Options {
            if (maxDuration.compareTo(MIN_DURATION) < 0) {
                throw new IllegalArgumentException("maxDuration must be at least " + MIN_DURATION + ", got "
                        + maxDuration);
            }
        }
    }

    public SubmissionValidator(Options options) {
        this.maxDuration = options.maxDuration();
    }

    /** Every rule the submission breaks; empty when it may go on to policy. */
    public List<String> violations(Submission submission) {
        List<String> violations = new ArrayList<>();
        if (submission.requestId() != null && !ID.matcher(submission.requestId()).matches()) {
            violations.add("requestId must be 1-200 characters of letters, digits and . _ : @ + -");
        }
        if (blank(submission.requesterId())) {
            violations.add("requester.id is required");
        } else if (!ID.matcher(submission.requesterId()).matches()) {
            violations.add("requester.id must be 1-200 characters of letters, digits and . _ : @ + -");
        }
        if (blank(submission.resourceKind())) {
            violations.add("resource.kind is required");
        } else if (submission.resourceKind().equals(BUNDLE)) {
            bundle(submission, violations);
        } else if (!submission.resourceKind().equals("postgres")) {
            violations.add("resource.kind '" + submission.resourceKind() + "' is not supported: use postgres, or"
                    + " name a bundle");
        } else {
            postgres(submission, violations);
        }
        if (blank(submission.reason())) {
            violations.add("reason is required: say why access is needed");
        } else if (submission.reason().length() > MAX_TEXT) {
            violations.add("reason must be at most " + MAX_TEXT + " characters");
        }
        if (submission.ticket() != null && submission.ticket().length() > 200) {
            violations.add("ticket must be at most 200 characters");
        }
        Duration duration = submission.duration();
        if (duration == null) {
            violations.add("duration is required, as an ISO-8601 duration such as PT30M");
        } else if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(maxDuration) > 0) {
            violations.add("duration must be between " + MIN_DURATION + " and " + maxDuration + ", got " + duration);
        }
        return violations;
    }

    /** A requestable role asked for by name: its scopes are the policies' to say, so the request names none. */
    private static void bundle(Submission submission, List<String> violations) {
        String name = submission.resourceName();
        if (blank(name) || !BUNDLE_NAME.matcher(name).matches()) {
            violations.add("bundle must be 1-100 characters of letters, digits and . _ -");
        }
        if (!submission.actions().isEmpty() || !submission.columns().isEmpty() || submission.rowFilter() != null) {
            violations.add("a bundle request names no scope: the bundle's definition says what it gives");
        }
        if (submission.extendsRequestId() != null) {
            violations.add("a bundle is extended by extending each of its grants");
        }
    }

    private static void postgres(Submission submission, List<String> violations) {
        String name = submission.resourceName();
        if (blank(name)) {
            violations.add("resource.name is required, as database.schema.table");
        } else {
            String[] parts = name.split("\\.", -1);
            if (parts.length != 3 || !java.util.Arrays.stream(parts).allMatch(p -> IDENTIFIER.matcher(p).matches())) {
                violations.add("resource.name '" + name + "' must be database.schema.table, each a plain identifier");
            }
        }
        if (submission.actions().isEmpty()) {
            violations.add("scope.actions must name at least one action");
        }
        for (String action : submission.actions()) {
            if (action == null || !POSTGRES_ACTIONS.contains(action.toUpperCase(Locale.ROOT))) {
                violations.add("scope.actions: '" + action + "' is not one of DELETE, INSERT, SELECT, UPDATE");
            }
        }
        Set<String> seen = new HashSet<>();
        for (String column : submission.columns()) {
            if (column == null || !IDENTIFIER.matcher(column).matches()) {
                violations.add("scope.columns: '" + column + "' is not a plain column identifier");
            } else if (!seen.add(column)) {
                violations.add("scope.columns: '" + column + "' is named twice");
            }
        }
        if (submission.rowFilter() != null && submission.rowFilter().length() > MAX_TEXT) {
            violations.add("scope.rowFilter must be at most " + MAX_TEXT + " characters");
        }
    }

    private static boolean blank(@org.jspecify.annotations.Nullable String text) {
        return text == null || text.isBlank();
    }
}
