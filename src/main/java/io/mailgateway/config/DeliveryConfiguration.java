package io.mailgateway.config;

import io.mailgateway.delivery.CaptureTransport;
import io.mailgateway.delivery.DeliveryCounters;
import io.mailgateway.delivery.DeliveryOutcome;
import io.mailgateway.delivery.DeliverySteps;
import io.mailgateway.delivery.DeliveryTrail;
import io.mailgateway.delivery.EnvelopeMailSender;
import io.mailgateway.delivery.RetrySchedule;
import io.mailgateway.delivery.SmartHostTransport;
import io.mailgateway.delivery.Transport;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the transport from {@code gateway.delivery.mode} and wires the delivery route's beans. */
@Configuration(proxyBeanMethods = false)
public class DeliveryConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DeliveryConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Transport transport(GatewayProperties properties, GatewayHostname hostname, Clock clock) {
        GatewayProperties.Delivery delivery = properties.getDelivery();
        Transport transport = switch (delivery.effectiveMode()) {
            case CAPTURE -> new CaptureTransport(properties.getDataDir().resolve("outbox"), clock);
            case SMARTHOST -> new SmartHostTransport(delivery.getSmarthost(), delivery, hostname.name(), clock);
            case MX -> throw new IllegalStateException("gateway.delivery.mode=mx is not implemented yet");
        };
        log.info("[delivery] mode {}: {}", delivery.effectiveMode().name().toLowerCase(), transport.describe());
        return transport;
    }

    /** Referenced by routes/deliver.yaml as {@code javaMailSender=#envelopeMailSender}. */
    @Bean
    EnvelopeMailSender envelopeMailSender(Transport transport) {
        return new EnvelopeMailSender(transport);
    }

    @Bean
    DeliveryCounters deliveryCounters(io.micrometer.core.instrument.MeterRegistry registry) {
        return new DeliveryCounters(registry);
    }

    /** The recent attempts by queue id, for send-test (/actuator/deliveries/{queueId}). */
    @Bean
    DeliveryTrail deliveryTrail() {
        return new DeliveryTrail();
    }

    /** Referenced by routes/deliver.yaml. */
    @Bean
    DeliverySteps deliverySteps(EnvelopeMailSender envelopeMailSender, GatewayProperties properties, Clock clock,
                                DeliveryCounters counters, DeliveryTrail trail) {
        GatewayProperties.Retry retry = properties.getDelivery().getRetry();
        RetrySchedule schedule = new RetrySchedule(retry.getInitialDelay(), retry.getMaxDelay(), retry.getMaxLifetime());
        return new DeliverySteps(envelopeMailSender, new DeliveryOutcome(schedule), clock, counters, trail);
    }
}
