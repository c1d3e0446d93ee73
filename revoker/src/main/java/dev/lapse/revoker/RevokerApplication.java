package dev.lapse.revoker;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** revoker: watches every active grant and publishes Expired when its time comes or it is revoked. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RevokerApplication {

    /** This service's name; also the name of its configuration file. */
    public static final String NAME = "revoker";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application, configured from {@code revoker.yml}, so several services can share one JVM. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(RevokerApplication.class).properties("spring.config.name=" + NAME);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
