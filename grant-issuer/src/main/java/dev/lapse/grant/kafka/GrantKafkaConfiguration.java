package dev.lapse.grant.kafka;

import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.SeenRequests;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires grant-issuer's durable state: the requests it has issued a grant for. */
@Configuration(proxyBeanMethods = false)
class GrantKafkaConfiguration {

    @Bean
    SeenRequests issuedGrants(KafkaProperties kafka) {
        return SeenRequests.of(Topics.ISSUED_GRANTS_STATE, Topics.ACCESS_APPROVED, kafka.buildConsumerProperties());
    }
}
