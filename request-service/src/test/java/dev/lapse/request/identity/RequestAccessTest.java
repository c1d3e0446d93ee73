package dev.lapse.request.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestAccessTest {

    private final RequestAccess access = new RequestAccess("lapse-admins");
    private final Caller alice = Caller.of("alice", Set.of("support"));
    private final Caller carol = Caller.of("carol", Set.of("data-owners"));
    private final Caller admin = Caller.of("admin", Set.of("lapse-admins"));
    private final Caller mallory = Caller.of("mallory", Set.of());

    @Test
    void submissionRefusal_whenTheBodyNamesNoOneOrTheCaller_none() {
        assertThat(access.submissionRefusal(alice, null)).isEmpty();
        assertThat(access.submissionRefusal(alice, "alice")).isEmpty();
    }

    @Test
    void submissionRefusal_whenTheBodyNamesSomeoneElse_saysWhy_evenForAnAdmin() {
        assertThat(access.submissionRefusal(mallory, "alice")).contains("the body names 'alice' as the requester, but"
                + " the token is mallory's: a request is submitted by its requester (leave requester out, or name"
                + " mallory)");
        assertThat(access.submissionRefusal(admin, "alice")).isPresent();
    }

    @Test
    void mayRead_theRequesterTheApproverGroupsAndAdmins_noOneElse() {
        List<String> approvers = List.of("data-owners", "support-leads");

        assertThat(access.mayRead(alice, "alice", List.of())).isTrue();
        assertThat(access.mayRead(carol, "alice", approvers)).isTrue();
        assertThat(access.mayRead(admin, "alice", List.of())).isTrue();
        assertThat(access.mayRead(carol, "alice", List.of())).isFalse();
        assertThat(access.mayRead(mallory, "alice", approvers)).isFalse();
    }

    @Test
    void mayRead_whenTheRequesterIsUnknown_onlyAdmins() {
        assertThat(access.mayRead(alice, null, List.of())).isFalse();
        assertThat(access.mayRead(admin, null, List.of())).isTrue();
    }

    @Test
    void mayRevoke_theRequesterAndAdmins_notApproversNorStrangers() {
        assertThat(access.mayRevoke(alice, "alice")).isTrue();
        assertThat(access.mayRevoke(admin, "alice")).isTrue();
        assertThat(access.mayRevoke(carol, "alice")).isFalse();
        assertThat(access.mayRevoke(mallory, "alice")).isFalse();
        assertThat(access.mayRevoke(alice, null)).isFalse();
    }

    @Test
    void seesEveryRequest_onlyAdmins() {
        assertThat(access.seesEveryRequest(admin)).isTrue();
        assertThat(access.seesEveryRequest(alice)).isFalse();
    }
}
