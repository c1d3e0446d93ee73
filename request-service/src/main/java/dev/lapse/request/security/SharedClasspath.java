package dev.lapse.request.security;

/**
 * For launchers that run other Lapse services with request-service's classes on their classpath (the standalone's
 * one JVM, the chaos harness's processes): Spring Security is request-service's dependency, and Spring Boot would
 * otherwise secure every other service too (a generated password, 401 on their health checks and APIs). Their own
 * images never carry it.
 */
public final class SharedClasspath {

    private static final String SECURITY = "org.springframework.boot.security.autoconfigure.";
    private static final String RESOURCE_SERVER =
            "org.springframework.boot.security.oauth2.server.resource.autoconfigure.";

    /** The argument that keeps Spring Security's auto-configuration out of a service that is not request-service. */
    public static final String WITHOUT_SECURITY = "--spring.autoconfigure.exclude=" + String.join(",",
            SECURITY + "SecurityAutoConfiguration",
            SECURITY + "UserDetailsServiceAutoConfiguration",
            SECURITY + "web.servlet.ServletWebSecurityAutoConfiguration",
            SECURITY + "web.servlet.SecurityFilterAutoConfiguration",
            SECURITY + "actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
            RESOURCE_SERVER + "OAuth2ResourceServerAutoConfiguration",
            RESOURCE_SERVER + "web.OAuth2ResourceServerWebSecurityAutoConfiguration");

    private SharedClasspath() {
    }
}
