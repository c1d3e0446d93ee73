package dev.lapse.grant.target;

import java.util.List;

/**
 * A system in which a grant becomes real access (a PostgreSQL server, …), behind the one small interface the
 * grant-issuer needs. Every method is idempotent and each call is all-or-nothing in the target: a grant is never
 * left half-provisioned or half-withdrawn, so a redelivered approval or expiry changes nothing twice. Each method
 * throws {@link TargetUnavailableException} when the target cannot be reached, and nothing else for a transient
 * fault.
 */
public interface Target extends AutoCloseable {

    /** The target's configured name: the resource kind requests name it by. */
    String name();

    /**
     * Checks the grant against the target (objects exist, actions supported, filter enforceable) and, if it holds,
     * puts it in place. Converges: provisioning a grant that is in place, or partly removed by hand, leaves exactly
     * the grant in place.
     */
    Provisioning provision(GrantSpec grant);

    /**
     * Takes a grant away and ends what still uses it. A grant that is not there is withdrawn already: the result
     * is then empty, not a failure.
     *
     * @return what was withdrawn, one line each
     */
    List<String> withdraw(String grantId, String requesterId);

    /** Every grant whose objects are present in the target now. */
    List<PresentGrant> present();

    @Override
    void close();
}
