package dev.lapse.request;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** request-service: the REST API and the Kafka ingress for access requests, and every request's timeline. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RequestServiceApplication {

    /** This service's name; also the name of its configuration file. */
    public static final String NAME = "request-service";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application, configured from {@code request-service.yml}, so several services can share one JVM. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(RequestServiceApplication.class)
                .properties("spring.config.name=" + NAME);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
