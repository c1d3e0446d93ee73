package dev.lapse.grant.kafka;

import dev.lapse.event.AccessGranted;
import dev.lapse.event.Scope;
import dev.lapse.grant.target.GrantSpec;
import java.time.Instant;

/** Reads the grant a target provisions out of the grant's Avro event. */
final class GrantSpecs {

    private GrantSpecs() {
    }

    static GrantSpec of(AccessGranted granted) {
        Scope scope = granted.getScope();
        return new GrantSpec(granted.getGrantId(), granted.getRequestId(), granted.getRequester().getId(),
                granted.getResource().getKind(), granted.getResource().getName(), scope.getActions(),
                scope.getColumns(), scope.getRowFilter(), granted.getGrantedAt(), granted.getExpiresAt());
    }

    static GrantSpec of(String grantId, String requestId, dev.lapse.event.Requester requester,
            dev.lapse.event.Resource resource, Scope scope, Instant grantedAt, Instant expiresAt) {
        return new GrantSpec(grantId, requestId, requester.getId(), resource.getKind(), resource.getName(),
                scope.getActions(), scope.getColumns(), scope.getRowFilter(), grantedAt, expiresAt);
    }
}
