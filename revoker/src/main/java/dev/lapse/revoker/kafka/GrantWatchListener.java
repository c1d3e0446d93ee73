package dev.lapse.revoker.kafka;

import dev.lapse.event.AccessGranted;
import dev.lapse.event.RevocationRequested;
import dev.lapse.revoker.expiry.ActiveGrant;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Hands every new grant and every revocation request to the expiry driver. */
@Component
class GrantWatchListener {

    private final ExpiryDriver driver;

    GrantWatchListener(ExpiryDriver driver) {
        this.driver = driver;
    }

    @KafkaListener(id = "revoker-grants", topics = "lapse.access.granted")
    void onGranted(AccessGranted granted) {
        driver.schedule(new ActiveGrant(granted.getRequestId(), granted.getGrantId(),
                granted.getRequester().getId(), granted.getExpiresAt()));
    }

    @KafkaListener(id = "revoker-revocations", topics = "lapse.revocation.requested")
    void onRevocationRequested(RevocationRequested revocation) {
        driver.revoke(revocation.getRequestId(), revocation.getReason());
    }
}
