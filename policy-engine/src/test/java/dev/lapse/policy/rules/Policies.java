package dev.lapse.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Test fixtures: policy sets from inline YAML, and requests. */
final class Policies {

    static final String TABLES = """
            tables:
              crm.public.customers:
                columns:
                  id: []
                  email: [pii]
                  ssn: [secret]
                  card_number: [secret]
            """;

    private Policies() {
    }

    /** Loads the files (named a.yaml, b.yaml, …) and fails the test if they do not load. */
    static PolicySet load(String... files) {
        PolicyLoad load = PolicySet.load(sources(files));
        assertThat(load).as("load result").isInstanceOf(PolicyLoad.Loaded.class);
        return ((PolicyLoad.Loaded) load).policies();
    }

    /** Loads files expected to be wrong and returns the errors. */
    static List<LoadError> errors(String... files) {
        PolicyLoad load = PolicySet.load(sources(files));
        assertThat(load).as("load result").isInstanceOf(PolicyLoad.Failed.class);
        return ((PolicyLoad.Failed) load).errors();
    }

    static List<PolicySource> sources(String... files) {
        List<PolicySource> sources = new ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            sources.add(new PolicySource((char) ('a' + i) + ".yaml", files[i]));
        }
        return sources;
    }

    static PolicyRequest select(String... columns) {
        return request("alice", List.of("support"), "crm.public.customers", List.of("SELECT"), List.of(columns),
                Duration.ofMinutes(30));
    }

    static PolicyRequest request(String requester, List<String> groups, String table, List<String> actions,
            List<String> columns, Duration duration) {
        return new PolicyRequest("req-1", new Requester(requester, groups), "postgres", table, actions, columns,
                "debugging a ticket", null, duration, false);
    }
}
