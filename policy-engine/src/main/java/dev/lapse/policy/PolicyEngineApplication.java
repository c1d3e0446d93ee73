package dev.lapse.policy;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** policy-engine: decides every validated request by its policies: Approved, Denied, or pending on approval votes. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PolicyEngineApplication {

    /** This service's name; also the name of its configuration file. */
    public static final String NAME = "policy-engine";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application, configured from {@code policy-engine.yml}, so several services can share one JVM. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(PolicyEngineApplication.class)
                .properties("spring.config.name=" + NAME);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

}
