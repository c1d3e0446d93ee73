package dev.lapse.schemas.kafka;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives {@code lapse.instance-id} a default, the host name, so every instance has a name that survives its restarts:
 * its transactional ids ({@code ${spring.application.name}-${lapse.instance-id}-<n>}) are then the same after a
 * crash, and the new instance fences the old one's open transactions at start. Any property source (a
 * {@code --lapse.instance-id=…} argument, {@code LAPSE_INSTANCE_ID}, a file) overrides it; two live instances of
 * one service on one host must each set a distinct one, or they fence each other.
 */
public final class InstanceIdDefault implements EnvironmentPostProcessor {

    /** The property naming this instance. */
    public static final String PROPERTY = "lapse.instance-id";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String configured = environment.getProperty(PROPERTY);
        if (configured != null) {
            if (!configured.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException(PROPERTY + " must be letters, digits, '.', '_' or '-', got '"
                        + configured + "'");
            }
            return;
        }
        environment.getPropertySources().addLast(new MapPropertySource("lapseInstanceIdDefault",
                Map.of(PROPERTY, hostName())));
    }

    static String hostName() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            name = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "-");
        return safe.isEmpty() ? "localhost" : safe;
    }
}
