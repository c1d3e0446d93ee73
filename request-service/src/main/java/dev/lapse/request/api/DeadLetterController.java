package dev.lapse.request.api;

import dev.lapse.request.identity.Caller;
import dev.lapse.request.identity.RequestAccess;
import dev.lapse.request.kafka.RequestProperties;
import dev.lapse.request.kafka.WriteUnavailableException;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRedrive;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.kafka.RetryPolicy;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator API for parked records: after the cause is fixed, {@code POST /v1/dead-letters/{topic}/redrive}
 * publishes every record parked in {@code <topic>.dlt} back to {@code <topic>}, each at most once, and answers how
 * many (see {@link DeadLetterRedrive}). Admins only.
 */
@RestController
class DeadLetterController {

    private final DeadLetterRedrive redrive;
    private final RequestProperties properties;
    private final RequestAccess access;

    DeadLetterController(DeadLetterRedrive redrive, RequestProperties properties, RequestAccess access) {
        this.redrive = redrive;
        this.properties = properties;
        this.access = access;
    }

    @PostMapping("/v1/dead-letters/{topic}/redrive")
    ResponseEntity<?> redrive(@PathVariable String topic, Caller caller) {
        if (!access.isAdmin(caller)) {
            throw new ForbiddenException("re-driving parked records is for members of " + access.adminGroup());
        }
        return Topics.byName(topic).<ResponseEntity<?>>map(known -> {
            DeadLetterRedrive.Result result;
            try {
                result = redrive.redrive(known);
            } catch (KafkaException e) {
                if (RetryPolicy.isDependencyDown(e)) {
                    throw new WriteUnavailableException("re-drive of " + known.deadLetterName() + " stopped: "
                            + DeadLetterRouting.reason(e), properties.restWrite().retryAfter(), e);
                }
                throw e;
            }
            return ResponseEntity.ok(Map.of("topic", result.topic(), "deadLetterTopic", result.deadLetterTopic(),
                    "redriven", result.redriven()));
        }).orElseGet(() -> {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No topic " + topic
                    + " is in Lapse's topic register; name a lifecycle topic such as "
                    + Topics.ACCESS_SUBMITTED.name() + ", not its .dlt.");
            problem.setTitle("Unknown topic");
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
        });
    }
}
