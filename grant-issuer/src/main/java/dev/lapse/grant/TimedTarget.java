package dev.lapse.grant;

import dev.lapse.grant.target.GrantSpec;
import dev.lapse.grant.target.PresentGrant;
import dev.lapse.grant.target.Provisioning;
import dev.lapse.grant.target.Target;
import dev.lapse.grant.target.TargetUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A target whose provisionings and withdrawals are timed, by target and outcome, on {@code /actuator/prometheus}: the
 * share of submitted → granted, and of a grant's end, that the target itself takes.
 */
final class TimedTarget implements Target {

    /** Timer: one provisioning in a target (tags {@code target}, {@code outcome}). */
    static final String PROVISION = "lapse.grant.target.provision";
    /** Timer: one withdrawal from a target (tags {@code target}, {@code outcome}). */
    static final String WITHDRAW = "lapse.grant.target.withdraw";

    private final Target target;
    private final MeterRegistry meters;

    TimedTarget(Target target, MeterRegistry meters) {
        this.target = target;
        this.meters = meters;
    }

    @Override
    public String name() {
        return target.name();
    }

    @Override
    public Provisioning provision(GrantSpec grant) {
        return timed(PROVISION, "Provisioning of one grant in a target", () -> target.provision(grant),
                outcome -> outcome instanceof Provisioning.Refused ? "refused" : "provisioned");
    }

    @Override
    public List<String> withdraw(String grantId, String requesterId) {
        return timed(WITHDRAW, "Withdrawal of one grant from a target", () -> target.withdraw(grantId, requesterId),
                done -> done.isEmpty() ? "absent" : "withdrawn");
    }

    @Override
    public List<PresentGrant> present() {
        return target.present();
    }

    @Override
    public void close() {
        target.close();
    }

    private <T> T timed(String name, String description, Supplier<T> call, Function<T, String> outcome) {
        // Timer.builder(...).register returns the registered timer for the same name and tags: one per outcome.
        long start = System.nanoTime();
        String tag = "failed";
        try {
            T result = call.get();
            tag = outcome.apply(result);
            return result;
        } catch (TargetUnavailableException e) {
            tag = "unavailable";
            throw e;
        } finally {
            Timer.builder(name).description(description).tag("target", target.name()).tag("outcome", tag)
                    .publishPercentileHistogram().register(meters).record(System.nanoTime() - start,
                            TimeUnit.NANOSECONDS);
        }
    }
}
