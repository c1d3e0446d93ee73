package dev.lapse.chaos.report;

import java.util.List;

/**
 * What the topics say the target did for one request's grant: what its first {@code AccessGranted} provisioned and
 * what each of its {@code AccessWithdrawn} withdrew.
 *
 * @param grantId     the grant of the first {@code AccessGranted}
 * @param provisioned that event's {@code provisioned}
 * @param withdrawals every {@code AccessWithdrawn} of the request, in the order read
 */
public record GrantTrail(String requestId, String grantId, List<String> provisioned, List<Withdrawal> withdrawals) {

    public GrantTrail {
        provisioned = List.copyOf(provisioned);
        withdrawals = List.copyOf(withdrawals);
    }

    /** One {@code AccessWithdrawn}: when it was announced and what it says was withdrawn. */
    public record Withdrawal(long occurredAtMs, List<String> withdrawn) {

        public Withdrawal {
            withdrawn = List.copyOf(withdrawn);
        }
    }
}
