package dev.lapse.request.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallerClaimsTest {

    @Test
    void caller_whenGroupsAreAList_takesThemAsTheCallersGroups() {
        Caller caller = CallerClaims.DEFAULT.caller(Map.of("sub", "alice", "groups", List.of("support", "oncall")));

        assertThat(caller.id()).isEqualTo("alice");
        assertThat(caller.groups()).containsExactly("oncall", "support");
    }

    @Test
    void caller_whenGroupsAreOneString_splitsItOnSpacesAndCommas() {
        Caller caller = CallerClaims.DEFAULT.caller(Map.of("sub", "alice", "groups", "support, oncall  data-owners"));

        assertThat(caller.groups()).containsExactly("data-owners", "oncall", "support");
    }

    @Test
    void caller_whenTheTokenHasNoGroupsClaim_isInNoGroup() {
        assertThat(CallerClaims.DEFAULT.caller(Map.of("sub", "alice")).groups()).isEmpty();
    }

    @Test
    void caller_withConfiguredClaims_readsThoseClaims() {
        CallerClaims claims = new CallerClaims("preferred_username", "roles");

        Caller caller = claims.caller(Map.of("sub", "3f2a-uuid", "preferred_username", "alice@example.com",
                "roles", List.of("lapse-admins"), "groups", List.of("ignored")));

        assertThat(caller).isEqualTo(Caller.of("alice@example.com", java.util.Set.of("lapse-admins")));
    }

    @Test
    void caller_whenTheUserClaimIsMissingOrBlank_saysWhichClaim() {
        assertThatThrownBy(() -> CallerClaims.DEFAULT.caller(Map.of("groups", List.of("support"))))
                .hasMessage("the token's 'sub' claim must name the user, got none");
        assertThatThrownBy(() -> CallerClaims.DEFAULT.caller(Map.of("sub", " ")))
                .hasMessage("the token's 'sub' claim must name the user, got ' '");
    }

    @Test
    void caller_whenGroupsAreNotNames_refusesTheToken() {
        assertThatThrownBy(() -> CallerClaims.DEFAULT.caller(Map.of("sub", "alice", "groups", List.of("a", 7))))
                .hasMessage("the token's 'groups' claim must list group names, got '7' in it");
        assertThatThrownBy(() -> CallerClaims.DEFAULT.caller(Map.of("sub", "alice", "groups", Map.of("a", "b"))))
                .hasMessageStartingWith("the token's 'groups' claim must be a list of group names, got ");
    }
}
