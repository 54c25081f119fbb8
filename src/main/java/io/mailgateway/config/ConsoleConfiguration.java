package io.mailgateway.config;

import io.mailgateway.console.BrokerHealth;
import io.mailgateway.console.BrokerQueues;
import io.mailgateway.console.DeliveriesEndpoint;
import io.mailgateway.console.MailQueue;
import io.mailgateway.console.QueueMetrics;
import io.mailgateway.console.SmartHostHealth;
import io.mailgateway.delivery.DeliveryCounters;
import io.mailgateway.mail.MailSpool;
import io.mailgateway.delivery.DeliveryTrail;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.ConnectionFactory;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What operators use: the mailgateway:type=MailQueue MBean, queue-depth metrics, and the health
 * indicators behind /actuator/health (broker, smart host; free disk in the data folder is
 * {@link DiskConfiguration}'s).
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleConfiguration {

    @Bean(destroyMethod = "close")
    MailQueue mailQueue(BrokerQueues broker, ConnectionFactory connectionFactory, DeliveryCounters counters,
                        MailSpool spool, GatewayProperties properties, Clock clock, MeterRegistry registry)
            throws Exception {
        MailQueue queue = new MailQueue(broker, connectionFactory, counters, spool, properties.getDataDir(), clock)
            .register();
        QueueMetrics.register(registry, queue);
        return queue;
    }

    /** {@code /actuator/deliveries/{queueId}}, read by send-test. */
    @Bean
    DeliveriesEndpoint deliveriesEndpoint(DeliveryTrail trail) {
        return new DeliveriesEndpoint(trail);
    }

    /** Health component "broker". */
    @Bean
    BrokerHealth brokerHealthIndicator(BrokerQueues broker, GatewayProperties properties) {
        return new BrokerHealth(broker, properties.getBroker().isExternal()
            ? ExternalBrokerConfiguration.displayUrl(properties.getBroker().getUrl()) : "embedded");
    }

    /** Health component "smartHost". */
    @Bean(destroyMethod = "close")
    SmartHostHealth smartHostHealthIndicator(GatewayProperties properties) {
        GatewayProperties.Delivery delivery = properties.getDelivery();
        boolean smarthost = delivery.effectiveMode() == GatewayProperties.DeliveryMode.SMARTHOST;
        return new SmartHostHealth(smarthost ? delivery.getSmarthost().getHost() : null,
            delivery.getSmarthost().getPort(), delivery.getConnectTimeout());
    }
}
