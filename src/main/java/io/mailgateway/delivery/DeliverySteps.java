package io.mailgateway.delivery;

import io.mailgateway.mail.QueuedMail;
import io.mailgateway.queue.MailProperties;
import io.mailgateway.queue.QueuedMailCodec;
import jakarta.mail.MessagingException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java steps of the {@code deliver} route (routes/deliver.yaml): the route does the wiring and the
 * transaction, these do the thinking.
 */
public final class DeliverySteps {

    private static final Logger log = LoggerFactory.getLogger(DeliverySteps.class);

    private final EnvelopeMailSender sender;
    private final DeliveryOutcome outcome;
    private final Clock clock;
    private final DeliveryCounters counters;
    private final DeliveryTrail trail;

    public DeliverySteps(EnvelopeMailSender sender, DeliveryOutcome outcome, Clock clock, DeliveryCounters counters,
                         DeliveryTrail trail) {
        this.sender = sender;
        this.outcome = outcome;
        this.clock = clock;
        this.counters = counters;
        this.trail = trail;
    }

    /** Exchange property: the JMS session the mail was received on (its local transaction). */
    static final String SESSION = "mailDeliverySession";

    /** Broker message → the body Camel Mail's producer passes to our sender. */
    public QueuedMimeMessage prepare(Exchange exchange) throws MessagingException {
        Message message = exchange.getIn();
        if (message instanceof org.apache.camel.component.jms.JmsMessage jms) {
            exchange.setProperty(SESSION, jms.getJmsSession());
        }
        QueuedMail mail = QueuedMailCodec.fromMessage(message);
        log.info("[delivery] {} attempt {} to {} recipient(s) via {}",
            mail.id(), mail.attempts() + 1, mail.envelope().recipients().size(), sender.transport().describe());
        return new QueuedMimeMessage(sender.getSession(), mail);
    }

    /**
     * After the attempt: log each recipient's result and send what goes back into the broker (the deferred
     * remainder, dead letters) on the very session the mail was received on, so that they commit in the
     * same local transaction as the consumption, whatever thread plumbing lies between.
     */
    public void decide(Exchange exchange) throws jakarta.jms.JMSException {
        QueuedMimeMessage attempted = exchange.getIn().getBody(QueuedMimeMessage.class);
        jakarta.jms.Session session = exchange.getProperty(SESSION, jakarta.jms.Session.class);
        if (session == null || !session.getTransacted()) {
            throw new IllegalStateException("the delivery route must run in a transacted JMS session");
        }
        for (FollowUp followUp : decide(attempted)) {
            send(session, followUp);
        }
    }

    private static void send(jakarta.jms.Session session, FollowUp followUp) throws jakarta.jms.JMSException {
        jakarta.jms.BytesMessage message = session.createBytesMessage();
        message.writeBytes(followUp.mail().content());
        Map<String, Object> properties = new HashMap<>(QueuedMailCodec.properties(followUp.mail()));
        if (followUp.deliverAt() != null) {
            properties.put(MailProperties.ARTEMIS_SCHEDULED_DELIVERY, followUp.deliverAt().toEpochMilli());
        }
        if (followUp.deadAt() != null) {
            properties.put(MailProperties.DEAD_REASON, followUp.mail().lastError());
            properties.put(MailProperties.DEAD_AT, followUp.deadAt().toEpochMilli());
        }
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            message.setObjectProperty(property.getKey(), property.getValue());
        }
        // a cached producer (CachingConnectionFactory): no producer is created per message
        jakarta.jms.MessageProducer producer = session.createProducer(session.createQueue(followUp.queue()));
        try {
            producer.send(message, jakarta.jms.DeliveryMode.PERSISTENT, jakarta.jms.Message.DEFAULT_PRIORITY, 0);
        } finally {
            producer.close();
        }
    }

    /** What goes back into the broker after an attempt; logs each recipient's result. */
    List<FollowUp> decide(QueuedMimeMessage attempted) {
        QueuedMail mail = attempted.mail();
        DeliveryReport report = attempted.report();
        if (report == null) {
            throw new IllegalStateException("no delivery report for " + mail.id() + ": the mail sender did not run");
        }
        Instant now = clock.instant();
        counters.count(report, mail.trace().receivedAt(), now);
        for (RecipientResult result : report.results()) {
            switch (result.status()) {
                case DELIVERED -> log.info("[delivery] {} to=<{}> delivered: {}", mail.id(), result.recipient(), result.reply());
                case DEFERRED -> log.warn("[delivery] {} to=<{}> deferred: {}", mail.id(), result.recipient(), result.reply());
                case FAILED -> log.warn("[delivery] {} to=<{}> failed: {}", mail.id(), result.recipient(), result.reply());
            }
        }
        List<FollowUp> followUps = outcome.decide(mail, report, now);
        trail.record(mail, sender.transport().describe(), report, followUps, now);
        for (FollowUp followUp : followUps) {
            if (followUp.deadAt() != null) {
                log.warn("[delivery] {} dead-lettered for {} recipient(s): {}",
                    mail.id(), followUp.mail().envelope().recipients().size(), followUp.mail().lastError());
            } else {
                log.info("[delivery] {} deferred for {} recipient(s), attempt {} failed, next attempt at {}",
                    mail.id(), followUp.mail().envelope().recipients().size(), followUp.mail().attempts(),
                    followUp.deliverAt());
            }
        }
        return followUps;
    }

}
