package io.mailgateway.config;

import io.mailgateway.console.access.ConsoleBasicAuth;
import io.mailgateway.console.access.ConsoleCredentials;
import io.mailgateway.console.access.ConsoleJaasConfiguration;
import io.mailgateway.console.access.ConsoleLoginThrottle;
import io.mailgateway.console.access.ConsoleRequestGuard;
import io.mailgateway.smtp.auth.AuthFailureThrottle;
import java.io.IOException;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Who may use the console (Hawtio at /actuator/hawtio, Jolokia at /actuator/jolokia) and how requests to it
 * are checked. Hawtio does the login itself (its login form, its session, HTTP Basic on Jolokia) through JAAS;
 * this wires our credentials into that JAAS realm and puts two filters in front of Hawtio's own: the
 * request guard (Origin, writes only over POST) and the per-address login throttle. Which MBeans Jolokia may
 * touch at all is in src/main/resources/jolokia-access.xml; the Hawtio and Jolokia switches are in
 * application.yml under hawtio and management.endpoint.jolokia.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleAccessConfiguration {

    @Bean
    ConsoleCredentials consoleCredentials(GatewayProperties properties) throws IOException {
        return ConsoleCredentials.load(properties.getConsole(), properties.getDataDir());
    }

    /**
     * Installs the JAAS realm while the web server starts, before the servlet context listeners run: Hawtio
     * reads the JAAS configuration once, in its own listener. The realm is the one Hawtio is told to use
     * ({@code hawtio.realm} in application.yml), read from the same setting so the two cannot drift apart.
     */
    @Bean
    ServletContextInitializer consoleJaasRealm(ConsoleCredentials credentials,
            @Value("${hawtio.realm}") String realm) {
        return new OrderedInitializer(servletContext -> ConsoleJaasConfiguration.install(realm, credentials));
    }

    @Bean
    FilterRegistrationBean<ConsoleRequestGuard> consoleRequestGuard(GatewayProperties properties,
            @Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
        FilterRegistrationBean<ConsoleRequestGuard> registration =
            new FilterRegistrationBean<>(new ConsoleRequestGuard(properties.getConsole().getAllowedOrigins()));
        registration.addUrlPatterns(consolePaths(basePath));
        // before Hawtio's filters, so nothing of Hawtio's runs for a refused request
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    FilterRegistrationBean<ConsoleLoginThrottle> consoleLoginThrottle(GatewayProperties properties, Clock clock,
            @Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
        GatewayProperties.Auth login = properties.getConsole().getLogin();
        FilterRegistrationBean<ConsoleLoginThrottle> registration = new FilterRegistrationBean<>(
            new ConsoleLoginThrottle(new AuthFailureThrottle(login, clock), login.getBlockDuration()));
        registration.addUrlPatterns(consolePaths(basePath));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    /** /actuator/deliveries shows recipients and replies: the console login, as HTTP Basic. */
    @Bean
    FilterRegistrationBean<ConsoleBasicAuth> deliveriesLogin(ConsoleCredentials credentials,
            @Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
        FilterRegistrationBean<ConsoleBasicAuth> registration = new FilterRegistrationBean<>(new ConsoleBasicAuth(credentials));
        registration.addUrlPatterns(base(basePath) + "/deliveries", base(basePath) + "/deliveries/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 30);
        return registration;
    }

    private static String[] consolePaths(String basePath) {
        String base = base(basePath);
        return new String[] {base + "/hawtio", base + "/hawtio/*", base + "/jolokia", base + "/jolokia/*",
            base + "/deliveries", base + "/deliveries/*"};
    }

    private static String base(String basePath) {
        return basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
    }

    /** A ServletContextInitializer that runs before the others (Hawtio's listener is registered by one). */
    private record OrderedInitializer(ServletContextInitializer delegate) implements ServletContextInitializer, Ordered {
        @Override
        public void onStartup(jakarta.servlet.ServletContext servletContext) throws jakarta.servlet.ServletException {
            delegate.onStartup(servletContext);
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }
}
