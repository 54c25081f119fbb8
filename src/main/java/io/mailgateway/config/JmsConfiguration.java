package io.mailgateway.config;

import io.mailgateway.envelope.EnvelopeComposer;
import io.mailgateway.envelope.EnvelopeReader;
import io.mailgateway.jms.JmsIntake;
import io.mailgateway.jms.JmsSubmissionReader;
import io.mailgateway.queue.OutboundQueue;
import io.mailgateway.queue.QueueNames;
import java.time.Clock;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.ProducerTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The JMS intake's beans; routes/jms-intake.yaml refers to {@code jmsIntake}. */
@Configuration(proxyBeanMethods = false)
public class JmsConfiguration {

    @Bean
    JmsIntake jmsIntake(GatewayProperties properties, EnvelopeReader envelopeReader, EnvelopeComposer envelopeComposer,
                        OutboundQueue queue, ProducerTemplate producer, GatewayHostname hostname,
                        EmbeddedActiveMQ broker, Clock clock) {
        GatewayProperties.Jms jms = properties.getJms();
        JmsSubmissionReader reader = new JmsSubmissionReader(envelopeReader, envelopeComposer,
            jms.getMaxMessageSize().toBytes(), jms.getMaxRecipients(), "noreply@" + hostname.name());
        SimpleString outbound = SimpleString.of(QueueNames.OUTBOUND);
        return new JmsIntake(reader, queue, producer, jms.invalidQueue(), hostname.name(),
            duplicateId -> broker.getActiveMQServer().getPostOffice().getDuplicateIDCache(outbound)
                .contains(SimpleString.of(duplicateId).getData()),
            clock);
    }
}
