package dev.lapse.audit.api;

import dev.lapse.audit.chain.CanonicalJson;
import dev.lapse.audit.chain.Verification;
import dev.lapse.audit.log.AuditLog;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Verify the whole log from disk, and read one request's audit trail. */
@RestController
class AuditController {

    private final AuditLog auditLog;

    AuditController(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    @GetMapping("/v1/audit/verify")
    Map<String, Object> verify() throws IOException {
        List<Verification> chains = auditLog.verifyAll();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("valid", chains.stream().allMatch(Verification::isValid));
        answer.put("chains", chains);
        answer.put("heads", auditLog.heads().entrySet().stream()
                .map(head -> Map.of("chain", head.getKey().toString(), "hash", head.getValue())).toList());
        return answer;
    }

    /** The request's entries exactly as hashed (canonical JSON), in chain order and then offset order. */
    @GetMapping(path = "/v1/audit/requests/{requestId}", produces = MediaType.APPLICATION_JSON_VALUE)
    String request(@PathVariable String requestId) throws IOException {
        return auditLog.entries(requestId).stream().map(CanonicalJson::entry)
                .collect(Collectors.joining(",", "[", "]"));
    }
}
