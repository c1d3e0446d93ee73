package dev.lapse.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each row's arithmetic, on made-up observations with round numbers. */
class ChaosReportTest {

    private static final long TICK_MS = 10;
    private static final AuditTally CLEAN_AUDIT = new AuditTally(100, 0, 0, 0, true, "");
    private static final LoadTally NO_EXTRAS = new LoadTally(0, 0, 0, 0, 0);

    // --- lost and final states

    @Test
    void of_whenEveryAcceptedRequestEnded_passes() {
        // given
        List<Submission> submissions = List.of(
                new Submission("r1", Channel.REST, Intent.GRANT, true),
                new Submission("r2", Channel.INGRESS, Intent.DENY, true),
                new Submission("r3", Channel.INGRESS, Intent.REJECT, true),
                new Submission("r4", Channel.REST, Intent.GRANT, false));
        Map<String, Lifecycle> lifecycles = Map.of(
                "r1", withdrawn("r1", 10_000, 10_012),
                "r2", new Lifecycle("r2", 1, 0, 1, 0, 0, List.of(), List.of(), 0),
                "r3", new Lifecycle("r3", 0, 0, 0, 1, 0, List.of(), List.of(), 0));

        // when
        ChaosReport report = ChaosReport.of(submissions, lifecycles, NO_EXTRAS, List.of(), CLEAN_AUDIT, TICK_MS);

        // then
        assertThat(report.passed()).as(report.table("")).isTrue();
        assertThat(value(report, "requests submitted")).isEqualTo(
                "4 (REST 2, ingress 2); accepted 3, not accepted 1");
        assertThat(value(report, "final states reached")).isEqualTo("WITHDRAWN 1, DENIED 1, REJECTED 1");
        assertThat(value(report, "expiry lag, steady state")).isEqualTo("n=1, p50 12 ms, p99 12 ms, max 12 ms");
    }

    @Test
    void of_countsAnAcceptedRequestWithoutEvents_andAGrantNeverWithdrawn_asLost() {
        // given: r1 never seen; r2 granted twice, withdrawn once
        List<Submission> submissions = List.of(
                new Submission("r1", Channel.INGRESS, Intent.GRANT, true),
                new Submission("r2", Channel.REST, Intent.GRANT, true));
        Map<String, Lifecycle> lifecycles = Map.of("r2", new Lifecycle("r2", 2, 2, 0, 0, 2,
                List.of(10_000L, 70_000L), List.of(new Expiry(10_000, 10_010, true)), 1));

        // when
        ChaosReport report = ChaosReport.of(submissions, lifecycles, NO_EXTRAS, List.of(), CLEAN_AUDIT, TICK_MS);

        // then
        assertThat(report.passed()).isFalse();
        assertThat(value(report, "lost")).isEqualTo("2 (r1, r2)");
        assertThat(value(report, "requests with more than one AccessApproved")).isEqualTo("1 (r2)");
        assertThat(value(report, "requests with more than one AccessGranted")).isEqualTo("1 (r2)");
        assertThat(check(report, "grants expired more than once")).isEqualTo(Row.Check.OK);
    }

    @Test
    void of_aGrantExpiredTwice_fails() {
        Lifecycle twice = new Lifecycle("r1", 1, 1, 0, 0, 1, List.of(10_000L),
                List.of(new Expiry(10_000, 10_010, true), new Expiry(10_000, 12_000, true)), 1);

        ChaosReport report = ChaosReport.of(List.of(new Submission("r1", Channel.REST, Intent.GRANT, true)),
                Map.of("r1", twice), NO_EXTRAS, List.of(), CLEAN_AUDIT, TICK_MS);

        assertThat(check(report, "grants expired more than once")).isEqualTo(Row.Check.FAIL);
    }

    // --- expiry lag against outages

    @Test
    void of_aGrantDueWhileTheRevokerWasDown_isMeasuredFromWhenItWasBack() {
        // given: the revoker down from 10 000 to 15 000; grants due at 12 000 (announced 15 015) and at 9 500, just
        // before the kill, announced after the restart (15 020); one due at 20 000 is steady state (5 ms late)
        Outage revoker = new Outage(ChaosReport.REVOKER, 10_000, 15_000, "restore metric");
        Map<String, Lifecycle> lifecycles = Map.of(
                "r1", withdrawn("r1", 12_000, 15_015),
                "r2", withdrawn("r2", 9_500, 15_020),
                "r3", withdrawn("r3", 20_000, 20_005));

        // when
        ChaosReport report = ChaosReport.of(accepted("r1", "r2", "r3"), lifecycles, NO_EXTRAS, List.of(revoker),
                CLEAN_AUDIT, TICK_MS);

        // then
        assertThat(value(report, "due while the revoker was down")).isEqualTo(
                "n=2, never expired 0, p50 15 ms, p99 20 ms, max 20 ms (must be ≤ 20 ms)");
        assertThat(check(report, "due while the revoker was down")).isEqualTo(Row.Check.OK);
        assertThat(value(report, "expiry lag, steady state")).isEqualTo("n=1, p50 5 ms, p99 5 ms, max 5 ms");
    }

    @Test
    void of_aGrantThatEndedBeforeTheRevokerWasKilled_isNotDueWhileItWasDown() {
        // given: due at 12 000, inside the outage, but revoked at 8 000; another due at 11 000, announced 15 010
        Outage revoker = new Outage(ChaosReport.REVOKER, 10_000, 15_000, "restore metric");
        Map<String, Lifecycle> lifecycles = Map.of(
                "r1", new Lifecycle("r1", 1, 1, 0, 0, 1, List.of(12_000L), List.of(new Expiry(12_000, 8_000, false)), 1),
                "r2", withdrawn("r2", 11_000, 15_010));

        ChaosReport report = ChaosReport.of(accepted("r1", "r2"), lifecycles, NO_EXTRAS, List.of(revoker),
                CLEAN_AUDIT, TICK_MS);

        assertThat(value(report, "due while the revoker was down")).startsWith(
                "n=1, never expired 0, p50 10 ms, p99 10 ms, max 10 ms");
    }

    @Test
    void of_aGrantDueWhileTheRevokerWasDown_announcedLateOrNever_fails() {
        Outage revoker = new Outage(ChaosReport.REVOKER, 10_000, 15_000, "health UP; no restore metric");
        Map<String, Lifecycle> late = Map.of("r1", withdrawn("r1", 12_000, 15_021));
        Map<String, Lifecycle> never = Map.of("r1", new Lifecycle("r1", 1, 1, 0, 0, 1, List.of(12_000L),
                List.of(), 0));

        ChaosReport lateReport = ChaosReport.of(accepted("r1"), late, NO_EXTRAS, List.of(revoker), CLEAN_AUDIT,
                TICK_MS);
        ChaosReport neverReport = ChaosReport.of(accepted("r1"), never, NO_EXTRAS, List.of(revoker), CLEAN_AUDIT,
                TICK_MS);

        assertThat(check(lateReport, "due while the revoker was down")).isEqualTo(Row.Check.FAIL);
        assertThat(value(neverReport, "due while the revoker was down")).startsWith("n=1, never expired 1,");
        assertThat(check(neverReport, "due while the revoker was down")).isEqualTo(Row.Check.FAIL);
    }

    @Test
    void of_aGrantIssuedWhileTheRevokerWasDown_isShownApart_andHeldToTheSameBound() {
        // given: the revoker down from 10 000 to 15 000; one grant issued at 5 000 (in its state), announced 15 005;
        // one issued at 11 000, while it was down, due 12 000, announced 15 025
        Outage revoker = new Outage(ChaosReport.REVOKER, 10_000, 15_000, "restore metric");
        Map<String, Lifecycle> lifecycles = Map.of(
                "r1", new Lifecycle("r1", 1, 1, 0, 0, 1, List.of(12_000L), List.of(new Expiry(12_000, 15_005, true)),
                        1, List.of(5_000L)),
                "r2", new Lifecycle("r2", 1, 1, 0, 0, 1, List.of(12_000L), List.of(new Expiry(12_000, 15_025, true)),
                        1, List.of(11_000L)));

        ChaosReport report = ChaosReport.of(accepted("r1", "r2"), lifecycles, NO_EXTRAS, List.of(revoker),
                CLEAN_AUDIT, TICK_MS);

        assertThat(value(report, "due while the revoker was down")).isEqualTo(
                "n=2, never expired 0, p50 5 ms, p99 25 ms, max 25 ms (must be ≤ 20 ms)");
        assertThat(check(report, "due while the revoker was down")).isEqualTo(Row.Check.FAIL);
        assertThat(value(report, "  of them issued while it was down")).isEqualTo("n=1, p50 25 ms, p99 25 ms, max 25 ms");
    }

    @Test
    void of_aRevokerKilledWhileNoGrantFellDue_failsForShowingNothing() {
        Outage revoker = new Outage(ChaosReport.REVOKER, 10_000, 15_000, "restore metric");
        Map<String, Lifecycle> lifecycles = Map.of("r1", withdrawn("r1", 20_000, 20_005));

        ChaosReport report = ChaosReport.of(accepted("r1"), lifecycles, NO_EXTRAS, List.of(revoker), CLEAN_AUDIT,
                TICK_MS);

        assertThat(check(report, "due while the revoker was down")).isEqualTo(Row.Check.FAIL);
        assertThat(value(report, "due while the revoker was down")).endsWith("so nothing was shown");
    }

    @Test
    void of_aGrantDueWhileTheBrokerRestarted_isAFigureApart() {
        // given: the broker away from 30 000 to 34 000; a grant due at 36 000 (within the settling time after)
        Outage broker = new Outage(ChaosReport.BROKER, 30_000, 34_000, "started");
        Map<String, Lifecycle> lifecycles = Map.of("r1", withdrawn("r1", 36_000, 36_900));

        ChaosReport report = ChaosReport.of(accepted("r1"), lifecycles, NO_EXTRAS, List.of(broker), CLEAN_AUDIT,
                TICK_MS);

        assertThat(value(report, "due while the broker restarted")).isEqualTo("n=1, p50 900 ms, p99 900 ms, max 900 ms");
        assertThat(value(report, "expiry lag, steady state")).startsWith("n=0,");
        assertThat(report.passed()).isTrue();
    }

    @Test
    void of_aRevokedGrant_hasNoExpiryLag() {
        Lifecycle revoked = new Lifecycle("r1", 1, 1, 0, 0, 1, List.of(20_000L), List.of(new Expiry(20_000, 12_000,
                false)), 1);

        ChaosReport report = ChaosReport.of(accepted("r1"), Map.of("r1", revoked), NO_EXTRAS, List.of(), CLEAN_AUDIT,
                TICK_MS);

        assertThat(value(report, "expiry lag, steady state")).isEqualTo("n=0, p50 -, p99 -, max -");
    }

    // --- audit

    @Test
    void of_anAuditEntryMissingDoubledOrUnknown_orAnInvalidVerify_fails() {
        for (AuditTally audit : List.of(new AuditTally(10, 1, 0, 0, true, ""), new AuditTally(10, 0, 1, 0, true, ""),
                new AuditTally(10, 0, 0, 1, true, ""), new AuditTally(10, 0, 0, 0, false, "{\"valid\":false}"))) {
            ChaosReport report = ChaosReport.of(List.of(), Map.of(), NO_EXTRAS, List.of(), audit, TICK_MS);
            assertThat(report.passed()).as(audit.toString()).isFalse();
        }
    }

    @Test
    void percentiles_areNearestRank() {
        List<Long> values = java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList();

        assertThat(ChaosReport.percentiles(values)).isEqualTo("p50 100 ms, p99 198 ms, max 200 ms");
    }

    // --- the PostgreSQL target

    @Test
    void of_withoutATarget_saysWhyOnEachTargetRow_andPasses() {
        ChaosReport report = ChaosReport.of(accepted("r1"), Map.of("r1", withdrawn("r1", 10_000, 10_010)),
                NO_EXTRAS, List.of(), CLEAN_AUDIT, TICK_MS, TargetWatch.skipped("no PostgreSQL at x"), Map.of());

        assertThat(value(report, ChaosReport.LEFT_ROW)).isEqualTo("skipped: no PostgreSQL at x");
        assertThat(check(report, ChaosReport.OVERSTAY_ROW)).isEqualTo(Row.Check.INFO);
        assertThat(report.passed()).isTrue();
    }

    @Test
    void of_aRoleGoneSoonAfterItsEnd_passes_andOneLeftOrOutstayingFails() {
        // given: r1 due at 10 000, its role last seen at 10 150; r2 revoked at 12 000 (due 20 000), seen at 12 100
        Lifecycle revoked = new Lifecycle("r2", 1, 1, 0, 0, 1, List.of(20_000L),
                List.of(new Expiry(20_000, 12_000, false)), 1);
        Map<String, Lifecycle> lifecycles = Map.of("r1", withdrawn("r1", 10_000, 10_010), "r2", revoked);
        Map<String, GrantTrail> trails = Map.of("r1", trail("r1", "g1", 10_050), "r2", trail("r2", "g2", 12_050));
        TargetWatch clean = watch(List.of(), new RoleSighting("g1", 8_000, 10_150),
                new RoleSighting("g2", 9_000, 12_100));

        ChaosReport report = ChaosReport.of(accepted("r1", "r2"), lifecycles, NO_EXTRAS, List.of(), CLEAN_AUDIT,
                TICK_MS, clean, trails);

        assertThat(report.passed()).as(report.table("")).isTrue();
        assertThat(value(report, ChaosReport.LEFT_ROW)).isEqualTo("0");
        assertThat(value(report, ChaosReport.OVERSTAY_ROW)).startsWith("n=2, p50 100 ms, p99 150 ms, max 150 ms");

        // when: g1 is still there after the quiet period, and g2 was seen 6 s after its revocation
        TargetWatch dirty = watch(List.of("g1"), new RoleSighting("g1", 8_000, 40_000),
                new RoleSighting("g2", 9_000, 18_000));
        ChaosReport failed = ChaosReport.of(accepted("r1", "r2"), lifecycles, NO_EXTRAS, List.of(), CLEAN_AUDIT,
                TICK_MS, dirty, trails);

        assertThat(check(failed, ChaosReport.LEFT_ROW)).isEqualTo(Row.Check.FAIL);
        assertThat(value(failed, ChaosReport.LEFT_ROW)).isEqualTo("1 (lapse_g_g1)");
        assertThat(check(failed, ChaosReport.OVERSTAY_ROW)).isEqualTo(Row.Check.FAIL);
    }

    @Test
    void of_aGrantDueWhileTheGrantIssuerWasDown_isMeasuredFromItsReturn() {
        // given: grant-issuer down 9 500 .. 16 000 (health UP); due at 10 000; its role last seen at 16 300
        Outage grantIssuer = new Outage(ChaosReport.GRANT_ISSUER, 9_500, 16_000, "health UP");
        Map<String, Lifecycle> lifecycles = Map.of("r1", withdrawn("r1", 10_000, 10_010));
        TargetWatch watch = watch(List.of(), new RoleSighting("g1", 8_000, 16_300));

        ChaosReport report = ChaosReport.of(accepted("r1"), lifecycles, NO_EXTRAS, List.of(grantIssuer), CLEAN_AUDIT,
                TICK_MS, watch, Map.of("r1", trail("r1", "g1", 16_350)));

        assertThat(value(report, ChaosReport.OVERSTAY_ROW)).startsWith("n=1, p50 300 ms,");
        assertThat(value(report, ChaosReport.RAW_OVERSTAY_ROW)).isEqualTo("n=1, p50 6300 ms, p99 6300 ms, max 6300 ms");
        assertThat(report.passed()).as(report.table("")).isTrue();
    }

    @Test
    void endOutsideOutages_followsOneOutageIntoTheNext() {
        List<Outage> outages = List.of(new Outage(ChaosReport.REVOKER, 10_000, 14_000, "restore metric"),
                new Outage(ChaosReport.GRANT_ISSUER, 13_500, 20_000, "health UP"),
                new Outage(ChaosReport.BROKER, 30_000, 31_000, "started"));

        assertThat(ChaosReport.endOutsideOutages(9_500, outages)).isEqualTo(20_000);
        assertThat(ChaosReport.endOutsideOutages(35_000, outages)).isEqualTo(36_000);
        assertThat(ChaosReport.endOutsideOutages(8_000, outages)).isEqualTo(8_000);
    }

    @Test
    void endOutsideOutages_countsAnEndJustBeforeABrokerRestartAsInIt() {
        // CI's chaos run: the revoker back (and the grant due while it was down announced) 120 ms before the broker's
        // restart, the grant-issuer killed just after the broker was back.
        List<Outage> outages = List.of(new Outage(ChaosReport.REVOKER, 13_692, 22_075, "restore metric"),
                new Outage(ChaosReport.BROKER, 22_183, 24_149, "started"),
                new Outage(ChaosReport.GRANT_ISSUER, 24_892, 34_898, "expiry partitions assigned"));

        assertThat(ChaosReport.endOutsideOutages(20_000, outages)).isEqualTo(34_898);
        assertThat(ChaosReport.endOutsideOutages(12_000, outages)).isEqualTo(12_000);
    }

    @Test
    void of_anEmptyProvisioningOrWithdrawal_isAViolation_unlessTheGrantIssuerWasKilledMidWithdrawal() {
        Map<String, Lifecycle> lifecycles = Map.of("r1", withdrawn("r1", 10_000, 10_010),
                "r2", withdrawn("r2", 20_000, 20_010), "r3", withdrawn("r3", 30_000, 30_010));
        Map<String, GrantTrail> trails = Map.of(
                "r1", new GrantTrail("r1", "g1", List.of(), List.of(new GrantTrail.Withdrawal(10_050, List.of("x")))),
                "r2", new GrantTrail("r2", "g2", List.of("x"), List.of(new GrantTrail.Withdrawal(20_050, List.of()))),
                "r3", new GrantTrail("r3", "g3", List.of("x"), List.of(new GrantTrail.Withdrawal(38_000, List.of()))));
        Outage killedMidWithdrawal = new Outage(ChaosReport.GRANT_ISSUER, 30_020, 37_000, "health UP");

        ChaosReport report = ChaosReport.of(accepted("r1", "r2", "r3"), lifecycles, NO_EXTRAS,
                List.of(killedMidWithdrawal), CLEAN_AUDIT, TICK_MS, watch(List.of()), trails);

        assertThat(check(report, ChaosReport.TRAIL_ROW)).isEqualTo(Row.Check.FAIL);
        assertThat(value(report, ChaosReport.TRAIL_ROW)).isEqualTo(
                "1 / 1 violations of 3 grants (2 (r1, r2)); empty after a grant-issuer kill mid-withdrawal, allowed: 1");
    }

    private static GrantTrail trail(String requestId, String grantId, long withdrawnAtMs) {
        return new GrantTrail(requestId, grantId, List.of("CREATE ROLE lapse_g_" + grantId),
                List.of(new GrantTrail.Withdrawal(withdrawnAtMs, List.of("DROP ROLE lapse_g_" + grantId))));
    }

    private static TargetWatch watch(List<String> left, RoleSighting... sightings) {
        Map<String, RoleSighting> seen = new java.util.HashMap<>();
        for (RoleSighting sighting : sightings) {
            seen.put(sighting.grantId(), sighting);
        }
        return new TargetWatch(null, seen, left, 100, 160);
    }

    private static Lifecycle withdrawn(String requestId, long expiresAtMs, long announcedAtMs) {
        return new Lifecycle(requestId, 1, 1, 0, 0, 1, List.of(expiresAtMs),
                List.of(new Expiry(expiresAtMs, announcedAtMs, true)), 1);
    }

    private static List<Submission> accepted(String... requestIds) {
        return java.util.Arrays.stream(requestIds).map(id -> new Submission(id, Channel.REST, Intent.GRANT, true))
                .toList();
    }

    private static String value(ChaosReport report, String namePrefix) {
        return row(report, namePrefix).value();
    }

    private static Row.Check check(ChaosReport report, String namePrefix) {
        return row(report, namePrefix).check();
    }

    private static Row row(ChaosReport report, String namePrefix) {
        return report.rows().stream().filter(row -> row.name().startsWith(namePrefix)).findFirst().orElseThrow();
    }
}
