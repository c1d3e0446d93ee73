package dev.lapse.request.submission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SourceTrustTest {

    @Test
    void refusal_byDefault_trustsOnlyRest() {
        SourceTrust trust = new SourceTrust(Set.of());

        assertThat(trust.refusal(SourceTrust.REST)).isEmpty();
        assertThat(trust.refusal("helpdesk")).contains("source system helpdesk is not trusted to name requesters"
                + " (lapse.request.ingress.trusted-systems)");
    }

    @Test
    void refusal_whenListed_none_andNamesAreExact() {
        SourceTrust trust = new SourceTrust(Set.of("helpdesk"));

        assertThat(trust.refusal("helpdesk")).isEmpty();
        assertThat(trust.refusal("Helpdesk")).isPresent();
        assertThat(trust.refusal("helpdesk2")).isPresent();
    }
}
