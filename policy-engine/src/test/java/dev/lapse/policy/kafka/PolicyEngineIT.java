package dev.lapse.policy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Scope;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** policy-engine on a real broker and registry, driven through its topics. */
class PolicyEngineIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** After the expected events, how long nothing more may arrive: a late duplicate is the bug. */
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final TestStack stack = TestStack.get();
    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() {
        app = PolicyEngineApplication.builder().run(stack.springArgs());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void readOnlyRequest_isApprovedWithTheSameKeyAndScope() {
        AccessRequested request = Events.accessRequested("pe-approve");
        request.setExtendsRequestId("pe-approve-earlier");
        stack.send(Topics.ACCESS_REQUESTED, "pe-approve", request);

        List<ConsumerRecord<String, Object>> records = stack.awaitRecordsThenQuiet(
                List.of(Topics.ACCESS_APPROVED.name(), Topics.ACCESS_DENIED.name()), "pe-approve",
                found -> !found.isEmpty(), WAIT, QUIET);

        assertThat(records).singleElement().satisfies(record -> {
            AccessApproved approved = (AccessApproved) record.value();
            assertThat(approved.getRequestId()).isEqualTo("pe-approve");
            assertThat(approved.getScope()).isEqualTo(request.getScope());
            assertThat(approved.getApprovedDurationMs()).isEqualTo(30_000L);
            assertThat(approved.getPolicy()).isEqualTo("crm-read-named-columns");
            assertThat(approved.getBreakGlass()).isFalse();
            assertThat(approved.getExtendsRequestId()).isEqualTo("pe-approve-earlier");
            assertThat(approved.getCausedBy().getId()).isEqualTo("policy-engine");
        });
    }

    @Test
    void actionNoRuleAllows_isDeniedByDefault_withReason() {
        AccessRequested request = Events.accessRequested("pe-deny");
        request.setScope(new Scope(List.of("UPDATE"), List.of("email"), null));
        stack.send(Topics.ACCESS_REQUESTED, "pe-deny", request);

        List<ConsumerRecord<String, Object>> records = stack.awaitRecordsThenQuiet(
                List.of(Topics.ACCESS_APPROVED.name(), Topics.ACCESS_DENIED.name()), "pe-deny",
                found -> !found.isEmpty(), WAIT, QUIET);

        assertThat(records).singleElement().satisfies(record -> {
            AccessDenied denied = (AccessDenied) record.value();
            assertThat(denied.getReason())
                    .isEqualTo("no policy allows UPDATE on email on postgres crm.public.customers");
            assertThat(denied.getPolicy()).isEqualTo("default-deny");
        });
    }

    @Test
    void poisonRecord_isParkedWithReason_andTheNextRecordIsStillDecided() {
        stack.sendRaw(Topics.ACCESS_REQUESTED.name(), "pe-poison", "not avro".getBytes(StandardCharsets.UTF_8));
        stack.send(Topics.ACCESS_REQUESTED, "pe-poison", Events.accessRequested("pe-poison"));

        List<ConsumerRecord<String, byte[]>> parked = stack.awaitRawRecords(
                Topics.ACCESS_REQUESTED.deadLetterName(), "pe-poison", found -> !found.isEmpty(), WAIT);
        assertThat(parked).singleElement().satisfies(record -> {
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
            assertThat(new String(record.headers().lastHeader(DeadLetterRouting.REASON_HEADER).value(),
                    StandardCharsets.UTF_8)).contains("unknown magic byte 0x6e");
        });
        assertThat(stack.awaitRecordsThenQuiet(List.of(Topics.ACCESS_APPROVED.name()), "pe-poison",
                found -> !found.isEmpty(), WAIT, QUIET)).hasSize(1);
    }
}
