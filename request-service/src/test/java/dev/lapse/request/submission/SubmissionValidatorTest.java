package dev.lapse.request.submission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubmissionValidatorTest {

    private final SubmissionValidator validator = new SubmissionValidator(
            new SubmissionValidator.Options(Duration.ofHours(12)));

    static Submission valid() {
        return new Submission(null, "alice@example.com", List.of("support"), "postgres", "crm.public.customers",
                List.of("select"), List.of("id", "email"), "region = 'EU'", "INC-1234: customer locked out", "INC-1234",
                Duration.ofSeconds(30), "rest");
    }

    @Test
    void violations_whenValid_none() {
        assertThat(validator.violations(valid())).isEmpty();
    }

    @Test
    void violations_whenEverythingMissing_listsEveryRule() {
        Submission empty = new Submission(null, null, null, null, null, null, null, null, null, null, null, "rest");

        assertThat(validator.violations(empty)).containsExactly(
                "requester.id is required",
                "resource.kind is required",
                "reason is required: say why access is needed",
                "duration is required, as an ISO-8601 duration such as PT30M");
    }

    @Test
    void violations_whenIdentifiersAreNotPlain_rejectsThem() {
        Submission sneaky = new Submission("req 1", "alice", List.of(), "postgres", "crm.public.customers; DROP",
                List.of("SELECT", "GRANT"), List.of("email", "email", "a\"b"), null, "r", null,
                Duration.ofSeconds(30), "rest");

        assertThat(validator.violations(sneaky)).containsExactly(
                "requestId must be 1-200 characters of letters, digits and . _ : @ + -",
                "resource.name 'crm.public.customers; DROP' must be database.schema.table, each a plain identifier",
                "scope.actions: 'GRANT' is not one of DELETE, INSERT, SELECT, UPDATE",
                "scope.columns: 'email' is named twice",
                "scope.columns: 'a\"b' is not a plain column identifier");
    }

    @Test
    void violations_whenDurationOutOfRange_namesTheBounds() {
        Submission tooLong = new Submission(null, "alice", List.of(), "postgres", "crm.public.customers",
                List.of("SELECT"), List.of("email"), null, "r", null, Duration.ofDays(2), "rest");

        assertThat(validator.violations(tooLong)).containsExactly("duration must be between PT1S and PT12H, got PT48H");
    }

    @Test
    void violations_whenUnknownKind_saysWhatIsSupported() {
        Submission kafka = new Submission(null, "alice", List.of(), "kafka", "orders", List.of("READ"), List.of(),
                null, "r", null, Duration.ofMinutes(1), "rest");

        assertThat(validator.violations(kafka))
                .containsExactly("resource.kind 'kafka' is not supported: use postgres, or name a bundle");
    }

    @Test
    void violations_ofABundleRequest_nameOnly_noScope() {
        Submission bundle = new Submission(null, "alice", List.of(), SubmissionValidator.BUNDLE, "support-debug",
                List.of(), List.of(), null, "INC-1", null, Duration.ofHours(1), "rest");
        Submission withScope = new Submission(null, "alice", List.of(), SubmissionValidator.BUNDLE, "support debug",
                List.of("SELECT"), List.of(), null, "INC-1", null, Duration.ofHours(1), "rest");

        assertThat(validator.violations(bundle)).isEmpty();
        assertThat(validator.violations(withScope)).containsExactly(
                "bundle must be 1-100 characters of letters, digits and . _ -",
                "a bundle request names no scope: the bundle's definition says what it gives");
    }
}
