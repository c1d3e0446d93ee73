package dev.lapse.revoker.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import org.junit.jupiter.api.Test;

/** The counted dictionary of requesters: one number per person, held while any of their grants runs. */
class RequestersTest {

    private final Requesters requesters = new Requesters();

    @Test
    void acquire_sameRequester_sameNumber_counted() {
        int alice = requesters.acquire("alice");
        int bob = requesters.acquire("bob");

        assertThat(requesters.acquire("alice")).isEqualTo(alice);
        assertThat(bob).isNotEqualTo(alice);
        assertThat(requesters.name(alice)).isEqualTo("alice");
        assertThat(requesters.grantsOf("alice")).isEqualTo(2);
        assertThat(requesters.size()).isEqualTo(2);
    }

    @Test
    void release_forgetsTheRequesterWithItsLastGrant_andReusesTheNumber() {
        int alice = requesters.acquire("alice");
        requesters.acquire("alice");

        requesters.release(alice);
        assertThat(requesters.name(alice)).isEqualTo("alice");
        requesters.release(alice);

        assertThat(requesters.size()).isZero();
        assertThat(requesters.grantsOf("alice")).isZero();
        assertThatIllegalStateException().isThrownBy(() -> requesters.name(alice))
                .withMessage("no requester holds number " + alice);
        assertThat(requesters.acquire("carol")).isEqualTo(alice);
    }

    @Test
    void acquire_manyRequesters_growsAndKeepsEveryName() {
        for (int i = 0; i < 1000; i++) {
            assertThat(requesters.acquire("user-" + i)).isEqualTo(i);
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(requesters.name(i)).isEqualTo("user-" + i);
        }
    }
}
