package dev.lapse.policy.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.lapse.policy.rules.LoadError;
import dev.lapse.policy.rules.Rule;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Loading at start, reloading on a change or on request, and what a failed reload leaves in force. */
class LoadedPoliciesTest {

    private static final String APPROVE = """
            rules:
              - name: read-orders
                target: postgres
                table: crm.public.orders
                actions: [SELECT]
                outcome: approve
            """;
    private static final String BROKEN = """
            rules:
              - name: read-orders
                target: postgres
                table: crm.public.orders
                actions: [SELECT]
                outcome: aprove
            """;

    @TempDir
    Path directory;
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T09:00:00Z"), ZoneOffset.UTC);

    private LoadedPolicies open() throws IOException {
        Files.writeString(directory.resolve("orders.yaml"), APPROVE);
        return LoadedPolicies.open(PolicyFiles.of(directory), clock, meters);
    }

    @Test
    void open_withBrokenFiles_failsNamingFileLineAndWhat() throws IOException {
        Files.writeString(directory.resolve("orders.yaml"), BROKEN);

        assertThatThrownBy(() -> LoadedPolicies.open(PolicyFiles.of(directory), clock, meters))
                .isInstanceOfSatisfying(PolicyLoadException.class, e -> {
                    assertThat(e.errors()).extracting(LoadError::file, LoadError::line)
                            .containsExactly(tuple("orders.yaml", 6));
                    assertThat(e.getStackTrace()).isEmpty();
                    FailureAnalysis analysis = new PolicyLoadFailureAnalyzer().analyze(e);
                    assertThat(analysis.getDescription()).startsWith("The policies in " + directory.toAbsolutePath()
                            + " do not load:\n    orders.yaml:6: ");
                    assertThat(analysis.getAction()).contains("lapse.policy.directory");
                });
    }

    @Test
    void reload_thatFails_keepsThePreviousSet_andReportsWhy_untilOneSucceeds() throws IOException {
        LoadedPolicies policies = open();
        Files.writeString(directory.resolve("orders.yaml"), BROKEN);

        List<LoadError> errors = policies.reload();

        assertThat(errors).singleElement().satisfies(error ->
                assertThat(error.toString()).startsWith("orders.yaml:6: "));
        assertThat(policies.get().rules()).extracting(Rule::name).containsExactly("read-orders");
        assertThat(policies.state().lastFailureAt()).isEqualTo(clock.instant());
        assertThat(meters.get(LoadedPolicies.RELOAD_FAILING).gauge().value()).isEqualTo(1.0);
        assertThat(meters.get(LoadedPolicies.RELOADS).tag("outcome", "failed").counter().count()).isEqualTo(1.0);

        Files.writeString(directory.resolve("orders.yaml"), APPROVE.replace("read-orders", "read-orders-v2"));
        assertThat(policies.reload()).isEmpty();
        assertThat(policies.get().rules()).extracting(Rule::name).containsExactly("read-orders-v2");
        assertThat(policies.state().lastFailureAt()).isNull();
        assertThat(meters.get(LoadedPolicies.RELOAD_FAILING).gauge().value()).isZero();
        assertThat(meters.get(LoadedPolicies.RULES).gauge().value()).isEqualTo(1.0);
    }

    @Test
    void watch_reloadsWhenAFileChanges_andOnlyThen() throws IOException {
        LoadedPolicies policies = open();
        PolicyDirectoryWatch watch = new PolicyDirectoryWatch(policies, Duration.ofSeconds(5));
        watch.check(); // the first look only takes note of the files

        watch.check();
        assertThat(meters.get(LoadedPolicies.RELOADS).tag("outcome", "succeeded").counter().count()).isZero();

        Files.writeString(directory.resolve("more.yml"), APPROVE.replace("read-orders", "read-more"));
        watch.check();
        assertThat(policies.get().rules()).extracting(Rule::name).containsExactly("read-more", "read-orders");
        watch.check();
        assertThat(meters.get(LoadedPolicies.RELOADS).tag("outcome", "succeeded").counter().count()).isEqualTo(1.0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void endpoint_showsThePolicies_andAFailedReloadAnswers422WithTheErrors() throws IOException {
        LoadedPolicies policies = open();
        PoliciesEndpoint endpoint = new PoliciesEndpoint(policies);

        Map<String, Object> shown = endpoint.policies();
        assertThat(shown).containsEntry("source", directory.toAbsolutePath().normalize().toString())
                .containsEntry("loadedAt", "2026-03-01T09:00:00Z").containsEntry("lastReloadError", null)
                .containsEntry("bundles", List.of());
        assertThat((List<Map<String, Object>>) shown.get("rules")).singleElement().satisfies(rule ->
                assertThat(rule).containsEntry("name", "read-orders").containsEntry("file", "orders.yaml:2")
                        .containsEntry("outcome", "approve"));

        Files.writeString(directory.resolve("orders.yaml"), BROKEN);
        WebEndpointResponse<Map<String, Object>> failed = endpoint.reload();
        assertThat(failed.getStatus()).isEqualTo(422);
        assertThat(failed.getBody()).containsEntry("status", 422).containsEntry("title", "Policies not reloaded");
        assertThat((List<String>) failed.getBody().get("errors")).singleElement().asString()
                .startsWith("orders.yaml:6: ");
        assertThat((Map<String, Object>) endpoint.policies().get("lastReloadError")).containsKey("errors");

        Files.writeString(directory.resolve("orders.yaml"), APPROVE);
        assertThat(endpoint.reload().getStatus()).isEqualTo(200);
    }
}
