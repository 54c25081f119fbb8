package io.mailgateway.config;

import io.mailgateway.console.MailQueue;
import io.mailgateway.delivery.DeliveryCounters;
import jakarta.jms.ConnectionFactory;
import java.time.Clock;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What operators use: the mailgateway:type=MailQueue MBean. */
@Configuration(proxyBeanMethods = false)
public class ConsoleConfiguration {

    @Bean(destroyMethod = "close")
    MailQueue mailQueue(EmbeddedActiveMQ broker, ConnectionFactory connectionFactory, DeliveryCounters counters,
                        GatewayProperties properties, Clock clock) throws Exception {
        return new MailQueue(broker, connectionFactory, counters, properties.getDataDir(), clock).register();
    }
}
