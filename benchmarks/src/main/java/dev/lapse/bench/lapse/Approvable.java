package dev.lapse.bench.lapse;

import dev.lapse.request.identity.Caller;
import dev.lapse.request.identity.EmbeddedIssuer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The request every benchmark submission makes: {@code SELECT} on two named columns of one table, which the
 * policy engine's sample policies approve on their own, for {@code duration} (at most an hour). Grants of an hour do
 * not fall due during a run, so no expiry or withdrawal competes with the requests being measured.
 *
 * @param requester the requester's id; its part before '@' is its database role where a target provisions grants
 * @param table {@code database.schema.table}
 */
public record Approvable(Duration duration, String requester, String table) {

    static final String REQUESTER = "bench@example.com";
    static final List<String> GROUPS = List.of("support");
    static final String KIND = "postgres";
    static final String TABLE = "crm.public.customers";
    static final String ACTION = "SELECT";
    static final List<String> COLUMNS = List.of("id", "email");
    static final String REASON = "benchmark: just-in-time approval under load";
    /** The source system of the ingress sections' submissions; the run trusts it to name requesters. */
    public static final String SOURCE = "benchmarks";
    /** How long the tokens of a run are valid: longer than any run. */
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(12);

    /** The request of the Lapse sections: bench@example.com on crm.public.customers (no target provisions it). */
    public Approvable(Duration duration) {
        this(duration, REQUESTER, TABLE);
    }

    /** The REST body of a submission with this request id. */
    public String json(String requestId) {
        return """
                {"requestId": "%s",
                 "requester": {"id": "%s", "groups": [%s]},
                 "resource": {"kind": "%s", "name": "%s"},
                 "scope": {"actions": ["%s"], "columns": [%s]},
                 "reason": "%s", "duration": "%s"}""".formatted(requestId, requester, quoted(GROUPS), KIND, table,
                ACTION, quoted(COLUMNS), REASON, duration);
    }

    /** A bearer token for this request's requester, in its groups, from request-service's embedded issuer. */
    public String bearerToken(Path identityDirectory) {
        return bearerToken(identityDirectory, requester);
    }

    /** A bearer token for {@code requester} in the benchmark's groups. */
    public static String bearerToken(Path identityDirectory, String requester) {
        return EmbeddedIssuer.load(identityDirectory).mint(Caller.of(requester, Set.copyOf(GROUPS)), TOKEN_LIFETIME);
    }

    /** A bearer token of an admin, who may end anyone's grant. */
    public static String adminToken(Path identityDirectory) {
        return EmbeddedIssuer.load(identityDirectory).mint(Caller.of("benchmarks", Set.of("lapse-admins")),
                TOKEN_LIFETIME);
    }

    private static String quoted(List<String> names) {
        return String.join(", ", names.stream().map(name -> "\"" + name + "\"").toList());
    }
}
