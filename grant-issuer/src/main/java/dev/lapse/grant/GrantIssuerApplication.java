package dev.lapse.grant;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/** grant-issuer: publishes Granted for every approval and Withdrawn for every expiry. */
@SpringBootApplication
public class GrantIssuerApplication {

    /** This service's name; also the name of its configuration file. */
    public static final String NAME = "grant-issuer";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application, configured from {@code grant-issuer.yml}, so several services can share one JVM. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GrantIssuerApplication.class)
                .properties("spring.config.name=" + NAME);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
