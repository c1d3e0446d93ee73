package dev.lapse.policy.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuiltInRuleTest {

    private final BuiltInRule rule = new BuiltInRule(new BuiltInRule.Options(Set.of("select"), Duration.ofHours(1)));

    private static AccessRequest request(List<String> actions, List<String> columns, Duration duration) {
        return new AccessRequest("req-1", "alice", List.of("support"), "postgres", "crm.public.customers",
                actions, columns, duration);
    }

    @Test
    void decide_whenReadOnlyOnNamedColumns_approvesForTheAskedDuration() {
        Decision decision = rule.decide(request(List.of("SELECT"), List.of("email"), Duration.ofSeconds(30)));

        assertThat(decision).isEqualTo(new Decision.Approve(Duration.ofSeconds(30), BuiltInRule.NAME,
                "read-only access approved"));
    }

    @Test
    void decide_whenLongerThanMax_capsTheDuration() {
        Decision decision = rule.decide(request(List.of("select"), List.of("email"), Duration.ofDays(2)));

        assertThat(decision).isInstanceOfSatisfying(Decision.Approve.class, approve -> {
            assertThat(approve.duration()).isEqualTo(Duration.ofHours(1));
            assertThat(approve.reason()).contains("capped at PT1H");
        });
    }

    @Test
    void decide_whenWriteAction_deniesNamingIt() {
        Decision decision = rule.decide(request(List.of("SELECT", "UPDATE"), List.of("email"), Duration.ofMinutes(5)));

        assertThat(decision).isEqualTo(new Decision.Deny("no policy allows UPDATE on postgres crm.public.customers;"
                + " only SELECT is approved without a policy", BuiltInRule.NAME));
    }

    @Test
    void decide_whenNoColumns_denies() {
        Decision decision = rule.decide(request(List.of("SELECT"), List.of(), Duration.ofMinutes(5)));

        assertThat(decision).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void options_whenMaxDurationNotPositive_rejects() {
        assertThatThrownBy(() -> new BuiltInRule.Options(Set.of("SELECT"), Duration.ZERO))
                .hasMessage("maxDuration must be positive, got PT0S");
    }
}
