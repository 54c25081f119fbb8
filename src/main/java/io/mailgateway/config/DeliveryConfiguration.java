package io.mailgateway.config;

import io.mailgateway.delivery.Bounces;
import io.mailgateway.delivery.CaptureTransport;
import io.mailgateway.delivery.DeliveryCounters;
import io.mailgateway.delivery.DeliveryOutcome;
import io.mailgateway.delivery.DeliverySteps;
import io.mailgateway.delivery.DeliveryTrail;
import io.mailgateway.delivery.DestinationSlots;
import io.mailgateway.delivery.EnvelopeMailSender;
import io.mailgateway.delivery.IdleConnectionCloser;
import io.mailgateway.delivery.RetrySchedule;
import io.mailgateway.delivery.MxTransport;
import io.mailgateway.delivery.SmartHostTransport;
import io.mailgateway.delivery.Transport;
import io.mailgateway.delivery.mx.MxResolver;
import io.mailgateway.delivery.routing.DomainRoutes;
import io.mailgateway.delivery.routing.FailoverTransport;
import io.mailgateway.delivery.routing.RoutingTransport;
import io.mailgateway.delivery.bounce.BounceComposer;
import io.mailgateway.delivery.dkim.DkimKeys;
import io.mailgateway.mail.MailSpool;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the next hops from gateway.delivery (mode, smart hosts, routes, MX) and wires the delivery route's beans. */
@Configuration(proxyBeanMethods = false)
public class DeliveryConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DeliveryConfiguration.class);
    /** How often idle smart host connections are looked for; max-idle is 30 s by default. */
    private static final Duration IDLE_CHECK = Duration.ofSeconds(5);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The next hops: the default one from gateway.delivery.mode, the smart hosts by name (each wrapped with
     * its failover when it has one), and gateway.delivery.routes choosing among them per recipient domain.
     */
    @Bean
    RoutingTransport transport(GatewayProperties properties, GatewayHostname hostname, Clock clock,
                               DestinationSlots slots) throws Exception {
        GatewayProperties.Delivery delivery = properties.getDelivery();
        List<String> problems = delivery.unknownSmartHostReferences();
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        NextHops hops = new NextHops(properties, hostname.name(), clock, slots);
        Transport fallback = switch (delivery.effectiveMode()) {
            case CAPTURE -> hops.capture();
            case SMARTHOST -> hops.smartHost("");
            case MX -> hops.mx();
        };
        DomainRoutes<Transport> routes = new DomainRoutes<>(fallback);
        for (int i = 0; i < delivery.getRoutes().size(); i++) {
            GatewayProperties.DomainRoute route = delivery.getRoutes().get(i);
            Transport target = route.smartHostName() != null ? hops.smartHost(route.smartHostName())
                : route.getVia().equals("mx") ? hops.mx() : hops.capture();
            for (String domain : route.getDomains()) {
                try {
                    routes.add(domain, target);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("gateway.delivery.routes[" + i + "]: " + e.getMessage());
                }
            }
            log.info("[delivery] route {} via {}", String.join(", ", route.getDomains()), target.describe());
        }
        RoutingTransport transport = new RoutingTransport(routes, fallback, hops.created());
        log.info("[delivery] mode {}: {}", delivery.effectiveMode().name().toLowerCase(), fallback.describe());
        log.info("[delivery] {} deliveries at once, at most {} to one next hop", delivery.getConcurrency(),
            delivery.effectiveDestinationConcurrency());
        return transport;
    }

    /** Deliveries in progress per next hop (gateway.delivery.destination-concurrency), shared by all next hops. */
    @Bean
    DestinationSlots destinationSlots(Clock clock) {
        return new DestinationSlots(clock);
    }

    /** Closes smart host connections idle for max-idle, also when no mail comes to reuse (or drop) them. */
    @Bean
    IdleConnectionCloser idleConnectionCloser(RoutingTransport transport) {
        List<SmartHostTransport> smartHosts = transport.nextHops().stream()
            .filter(SmartHostTransport.class::isInstance).map(SmartHostTransport.class::cast).toList();
        return new IdleConnectionCloser(smartHosts, IDLE_CHECK);
    }

    /** Builds each next hop once, on first use, so that unused ones open nothing. */
    private static final class NextHops {
        private final GatewayProperties properties;
        private final String hostname;
        private final Clock clock;
        private final DestinationSlots slots;
        private final Map<String, SmartHostTransport> smartHosts = new LinkedHashMap<>();
        private final Map<String, Transport> withFailover = new LinkedHashMap<>();
        private final List<Transport> created = new ArrayList<>();
        private Transport capture;
        private Transport mx;

        NextHops(GatewayProperties properties, String hostname, Clock clock, DestinationSlots slots) {
            this.properties = properties;
            this.hostname = hostname;
            this.clock = clock;
            this.slots = slots;
        }

        Transport capture() {
            if (capture == null) {
                capture = register(new CaptureTransport(properties.getDataDir().resolve("outbox"), clock));
            }
            return capture;
        }

        Transport mx() throws Exception {
            if (mx == null) {
                GatewayProperties.Delivery delivery = properties.getDelivery();
                mx = register(new MxTransport(new MxResolver(delivery.getMx()), delivery, hostname, slots));
            }
            return mx;
        }

        /** "" is gateway.delivery.smarthost, any other name one of gateway.delivery.smarthosts. */
        Transport smartHost(String name) {
            Transport transport = withFailover.get(name);
            if (transport == null) {
                GatewayProperties.SmartHost config = config(name);
                String failover = config.getFailover();
                transport = failover == null || failover.isBlank() ? raw(name)
                    : new FailoverTransport(raw(name), raw(failover));
                withFailover.put(name, transport);
            }
            return transport;
        }

        private SmartHostTransport raw(String name) {
            SmartHostTransport transport = smartHosts.get(name);
            if (transport == null) {
                transport = new SmartHostTransport(name, config(name), properties.getDelivery(), hostname, clock, slots);
                smartHosts.put(name, transport);
                register(transport);
            }
            return transport;
        }

        private GatewayProperties.SmartHost config(String name) {
            return name.isEmpty() ? properties.getDelivery().getSmarthost() : properties.getDelivery().getSmarthosts().get(name);
        }

        private <T extends Transport> T register(T transport) {
            created.add(transport);
            return transport;
        }

        List<Transport> created() {
            return created;
        }
    }

    /** Referenced by routes/deliver.yaml as {@code javaMailSender=#envelopeMailSender}. */
    @Bean
    EnvelopeMailSender envelopeMailSender(RoutingTransport transport, DkimKeys dkimKeys) {
        return new EnvelopeMailSender(transport, dkimKeys);
    }

    /** gateway.delivery.dkim: a key that cannot be used stops the start, naming the file and the problem. */
    @Bean
    DkimKeys dkimKeys(GatewayProperties properties, Clock clock) {
        return DkimKeys.load(properties.getDelivery().getDkim(), clock);
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
                                DeliveryCounters counters, Bounces bounces, MailSpool spool, DeliveryTrail trail) {
        GatewayProperties.Retry retry = properties.getDelivery().getRetry();
        RetrySchedule schedule = new RetrySchedule(retry.getInitialDelay(), retry.getMaxDelay(), retry.getMaxLifetime());
        return new DeliverySteps(envelopeMailSender, new DeliveryOutcome(schedule), bounces, clock, counters, spool, trail);
    }

    @Bean
    Bounces bounces(GatewayProperties properties, GatewayHostname hostname) {
        GatewayProperties.Bounces config = properties.getDelivery().getBounces();
        Bounces.Settings settings = new Bounces.Settings(config.isEnabled(), config.postmasterOrNull(),
            config.getDelayWarningAfter(), properties.getDelivery().getRetry().getMaxLifetime());
        log.info("[bounce] notifications {}{}{}", config.isEnabled() ? "on" : "off",
            config.isEnabled() && settings.postmaster() != null ? ", copies to " + settings.postmaster() : "",
            config.isEnabled() && settings.delayWarningAfter() != null ? ", delay warning after " + settings.delayWarningAfter() : "");
        return new Bounces(settings, new BounceComposer(hostname.name()));
    }
}
