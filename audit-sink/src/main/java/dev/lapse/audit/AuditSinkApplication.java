package dev.lapse.audit;

import dev.lapse.audit.log.AuditLog;
import java.io.IOException;
import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** audit-sink: appends every record of every lifecycle topic to a hash chain per topic-partition, on disk. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AuditSinkApplication {

    /** This service's name; also the name of its configuration file. */
    public static final String NAME = "audit-sink";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application, configured from {@code audit-sink.yml}, so several services can share one JVM. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(AuditSinkApplication.class).properties("spring.config.name=" + NAME);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    AuditLog auditLog(AuditProperties properties) throws IOException {
        return AuditLog.open(properties.directory());
    }
}
