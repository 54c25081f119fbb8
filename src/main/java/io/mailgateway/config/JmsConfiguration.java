package io.mailgateway.config;

import io.mailgateway.console.BrokerQueues;
import io.mailgateway.envelope.EnvelopeComposer;
import io.mailgateway.envelope.EnvelopeReader;
import io.mailgateway.jms.DiskSpacePause;
import io.mailgateway.jms.JmsIntake;
import io.mailgateway.jms.JmsSubmissionReader;
import io.mailgateway.queue.OutboundQueue;
import io.mailgateway.queue.QueueNames;
import io.mailgateway.queue.StorageGuard;
import java.time.Clock;
import org.apache.camel.ProducerTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The JMS intake's beans; routes/jms-intake.yaml refers to {@code jmsIntake} and {@code jmsIntakeDiskPause}. */
@Configuration(proxyBeanMethods = false)
public class JmsConfiguration {

    @Bean
    JmsIntake jmsIntake(GatewayProperties properties, EnvelopeReader envelopeReader, EnvelopeComposer envelopeComposer,
                        OutboundQueue queue, ProducerTemplate producer, GatewayHostname hostname,
                        BrokerQueues broker, Clock clock) {
        GatewayProperties.Jms jms = properties.getJms();
        JmsSubmissionReader reader = new JmsSubmissionReader(envelopeReader, envelopeComposer,
            jms.getMaxMessageSize().toBytes(), jms.getMaxRecipients(), "noreply@" + hostname.name());
        // With an external broker the duplicate-id cache cannot be read, so this pre-check always says "new".
        // Artemis still refuses the second copy (_AMQ_DUPL_ID): the intake transaction rolls back, the
        // resubmission is redelivered until max-delivery-attempts and then lands in <queue>.invalid, and
        // mail.outbound never holds the mail twice.
        return new JmsIntake(reader, queue, producer, jms.invalidQueue(), hostname.name(),
            duplicateId -> broker.duplicateKnown(QueueNames.OUTBOUND, duplicateId), clock);
    }

    /** The jms-intake route's policy: its consumer is suspended while free disk is below gateway.disk.min-free. */
    @Bean(destroyMethod = "close")
    DiskSpacePause jmsIntakeDiskPause(GatewayProperties properties, StorageGuard storage) {
        return new DiskSpacePause(storage, "messages stay in " + properties.getJms().getQueue());
    }
}
