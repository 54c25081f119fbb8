package io.mailgateway.config;

import io.mailgateway.mail.MailSpool;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The spool folder, {@code ${gateway.data-dir}/spool}: large mails wait there (never whole in the heap) while
 * SMTP DATA is received, a report mail is composed, or a delivery works on them. Emptied at start, before
 * any listener or route runs: a spool file is never the only copy of an acknowledged mail.
 */
@Configuration(proxyBeanMethods = false)
public class SpoolConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SpoolConfiguration.class);

    @Bean
    MailSpool mailSpool(GatewayProperties properties) throws IOException {
        MailSpool spool = new MailSpool(properties.getDataDir().resolve("spool"), MailSpool.DEFAULT_MEMORY_LIMIT);
        int leftovers = spool.clean();
        if (leftovers > 0) {
            log.info("[spool] removed {} file(s) left by the previous run in {}", leftovers, spool.folder());
        }
        return spool;
    }
}
