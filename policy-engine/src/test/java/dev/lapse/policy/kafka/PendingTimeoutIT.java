package dev.lapse.policy.kafka;

import static dev.lapse.policy.kafka.Approvals.DECISIONS;
import static dev.lapse.policy.kafka.Approvals.QUIET;
import static dev.lapse.policy.kafka.Approvals.WAIT;
import static dev.lapse.policy.kafka.Approvals.awaitState;
import static dev.lapse.policy.kafka.Approvals.request;
import static dev.lapse.policy.kafka.Approvals.states;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lapse.event.AccessDenied;
import dev.lapse.event.ApprovalPending;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.policy.files.PolicyLoadException;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.testing.TestStack;
import dev.lapse.state.PendingApproval;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * policy-engine with a policy directory of the test's own, whose rules time pending requests out after seconds:
 * a request nobody votes on is denied as timed out, also when its deadline passed while policy-engine was down;
 * the directory reloads through the actuator endpoint, and a broken one stops the start naming file and line.
 */
class PendingTimeoutIT {

    private static final String POLICIES = """
            rules:
              - name: hr-read-salaries
                target: postgres
                table: hr.public.salaries
                actions: [SELECT]
                outcome: require
                approvals:
                  - {count: 1, groups: [hr-managers]}
                pendingTimeout: 2s
              - name: hr-read-bonuses
                target: postgres
                table: hr.public.bonuses
                actions: [SELECT]
                outcome: require
                approvals:
                  - {count: 1, groups: [hr-managers]}
                pendingTimeout: 8s
            """;

    private final TestStack stack = TestStack.get();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path directory;

    private ConfigurableApplicationContext start() throws IOException {
        if (!Files.exists(directory.resolve("hr.yaml"))) {
            Files.writeString(directory.resolve("hr.yaml"), POLICIES);
        }
        return PolicyEngineApplication.builder().run(stack.springArgs("--lapse.instance-id=timeout-it",
                "--lapse.policy.directory=" + directory, "--lapse.policy.timeout-check-interval=PT0.2S"));
    }

    @Test
    void pendingRequestNobodyVotesOn_isDeniedAsTimedOut_once() throws IOException {
        String id = "to-quiet";
        try (ConfigurableApplicationContext app = start()) {
            stack.send(Topics.ACCESS_REQUESTED, id, request(id, "alice", List.of("hr"), "hr.public.salaries",
                    List.of("amount")));

            List<ConsumerRecord<String, Object>> decisions = stack.awaitRecordsThenQuiet(DECISIONS, id,
                    found -> !found.isEmpty(), WAIT, QUIET);

            assertThat(decisions).singleElement().satisfies(record -> {
                AccessDenied denied = (AccessDenied) record.value();
                assertThat(denied.getReason()).isEqualTo("no decision within PT2S");
                assertThat(denied.getPolicy()).isEqualTo("hr-read-salaries");
            });
            assertThat(states(stack, id)).hasSize(2).last().isNull();
        }
    }

    @Test
    void deadlinePassedWhilePolicyEngineWasDown_isDeniedOnceItIsBack() throws IOException {
        String id = "to-restart";
        Instant decideBy;
        try (ConfigurableApplicationContext app = start()) {
            stack.send(Topics.ACCESS_REQUESTED, id, request(id, "alice", List.of("hr"), "hr.public.bonuses",
                    List.of("amount")));
            PendingApproval state = awaitState(stack, id, 0);
            decideBy = state.getDecideBy();
        }
        assertThat(stack.awaitRecordsThenQuiet(DECISIONS, id, found -> true, WAIT, Duration.ofMillis(200)))
                .as("closed before the deadline").isEmpty();
        await().atMost(WAIT).until(() -> Instant.now().isAfter(decideBy));

        try (ConfigurableApplicationContext app = start()) {
            List<ConsumerRecord<String, Object>> decisions = stack.awaitRecordsThenQuiet(DECISIONS, id,
                    found -> !found.isEmpty(), WAIT, QUIET);

            assertThat(decisions).singleElement().satisfies(record ->
                    assertThat(((AccessDenied) record.value()).getReason()).isEqualTo("no decision within PT8S"));
            assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.APPROVAL_PENDING.name()), id,
                    found -> !found.isEmpty(), WAIT, QUIET)).singleElement().satisfies(record ->
                    assertThat(((ApprovalPending) record.value()).getDecideBy()).isEqualTo(decideBy));
        }
    }

    @Test
    void endpoint_reloadsTheDirectory_andABrokenEditKeepsThePreviousPolicies() throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            URI endpoint = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port")
                    + "/actuator/policies");
            assertThat(get(endpoint).body()).contains("\"name\":\"hr-read-salaries\"", "\"source\":\""
                    + directory.toAbsolutePath().normalize());

            Files.writeString(directory.resolve("hr.yaml"), POLICIES.replace("outcome: require", "outcome: requir"));
            HttpResponse<String> failed = post(endpoint);
            assertThat(failed.statusCode()).isEqualTo(422);
            assertThat(failed.body()).contains("hr.yaml:6: unknown outcome 'requir'");
            assertThat(get(endpoint).body()).contains("\"name\":\"hr-read-salaries\"", "\"lastReloadError\":{");

            Files.writeString(directory.resolve("hr.yaml"), POLICIES.replace("hr-read-salaries", "hr-salaries"));
            HttpResponse<String> reloaded = post(endpoint);
            assertThat(reloaded.statusCode()).isEqualTo(200);
            assertThat(reloaded.body()).contains("\"name\":\"hr-salaries\"", "\"lastReloadError\":null");
        } finally {
            Files.writeString(directory.resolve("hr.yaml"), POLICIES);
        }
    }

    @Test
    void brokenDirectory_stopsTheStart_namingFileAndLine() throws IOException {
        Files.writeString(directory.resolve("hr.yaml"), POLICIES.replace("pendingTimeout: 2s", "pendingTimeout: 2x"));

        assertThatThrownBy(this::start).hasRootCauseInstanceOf(PolicyLoadException.class)
                .rootCause().hasMessageContaining("hr.yaml:9: ");
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
