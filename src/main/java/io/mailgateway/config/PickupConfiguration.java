package io.mailgateway.config;

import io.mailgateway.console.BrokerQueues;
import io.mailgateway.envelope.EnvelopeComposer;
import io.mailgateway.envelope.EnvelopeReader;
import io.mailgateway.mail.MailSpool;
import io.mailgateway.pickup.EmlReader;
import io.mailgateway.pickup.PickupFileFilter;
import io.mailgateway.pickup.PickupIntake;
import io.mailgateway.pickup.ReportRules;
import io.mailgateway.queue.OutboundQueue;
import io.mailgateway.queue.QueueNames;
import io.mailgateway.queue.StorageGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The pickup folders: the beans routes/pickup.yaml refers to, and one route per configured folder from
 * that file's template.
 */
@Configuration(proxyBeanMethods = false)
public class PickupConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PickupConfiguration.class);

    @Bean
    ReportRules reportRules(GatewayProperties properties) {
        return new ReportRules(properties.getPickup().getRules());
    }

    /** Referenced by routes/pickup.yaml as {@code filter=#pickupFileFilter}. */
    @Bean
    PickupFileFilter pickupFileFilter(ReportRules rules) {
        return new PickupFileFilter(rules);
    }

    @Bean
    EnvelopeReader envelopeReader() {
        return EnvelopeReader.create();
    }

    @Bean
    EnvelopeComposer envelopeComposer(MailSpool spool) {
        return new EnvelopeComposer(spool);
    }

    /** Referenced by routes/pickup.yaml. */
    @Bean
    PickupIntake pickupIntake(GatewayProperties properties, ReportRules rules, OutboundQueue queue,
                              GatewayHostname hostname, EnvelopeReader envelopeReader,
                              EnvelopeComposer envelopeComposer, MailSpool spool, BrokerQueues broker,
                              StorageGuard storage, Clock clock) {
        // with an external broker the duplicate-id cache cannot be read, so this always says "new" and the
        // broker drops the second copy itself (JmsConfiguration)
        return new PickupIntake(properties.getPickup(), rules, queue, hostname.name(), envelopeReader,
            envelopeComposer, new EmlReader(), spool,
            duplicateId -> broker.duplicateKnown(QueueNames.OUTBOUND, duplicateId), storage, clock);
    }

    @Bean
    CamelContextConfiguration pickupRoutes(GatewayProperties properties) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                GatewayProperties.Pickup pickup = properties.getPickup();
                if (!pickup.isEnabled()) {
                    log.info("[pickup] disabled");
                    return;
                }
                List<Path> dirs = properties.pickupDirs();
                for (int i = 0; i < dirs.size(); i++) {
                    Path dir = dirs.get(i).toAbsolutePath().normalize();
                    try {
                        Files.createDirectories(dir);
                    } catch (IOException e) {
                        throw new UncheckedIOException("gateway.pickup: cannot create pickup folder " + dir, e);
                    }
                    String routeId = i == 0 ? "pickup" : "pickup-" + (i + 1);
                    // forward slashes: Camel's file URI accepts them on Windows too, backslashes it would escape
                    TemplatedRouteBuilder.builder(camelContext, "pickup")
                        .routeId(routeId)
                        .parameter("dir", dir.toString().replace('\\', '/'))
                        .parameter("pollMillis", String.valueOf(pickup.getPollInterval().toMillis()))
                        .parameter("stableMillis", String.valueOf(pickup.getStableTime().toMillis()))
                        .parameter("lockTimeoutMillis", String.valueOf(4 * pickup.getStableTime().toMillis() + 2000))
                        .add();
                    log.info("[pickup] watching {} (route {})", dir, routeId);
                }
            }
        };
    }
}
