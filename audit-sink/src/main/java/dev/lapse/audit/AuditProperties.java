package dev.lapse.audit;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of audit-sink, under {@code lapse.audit}: where the chain files live. */
@ConfigurationProperties("lapse.audit")
public record AuditProperties(@DefaultValue(".lapse/audit") Path directory) {
}
