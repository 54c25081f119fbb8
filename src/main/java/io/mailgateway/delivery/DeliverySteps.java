package io.mailgateway.delivery;

import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailSpool;
import io.mailgateway.mail.QueuedMail;
import io.mailgateway.queue.MailBodies;
import io.mailgateway.queue.MailProperties;
import io.mailgateway.queue.QueuedMailCodec;
import jakarta.jms.JMSException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

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
    private final Bounces bounces;
    private final MailSpool spool;
    private final DeliveryTrail trail;

    public DeliverySteps(EnvelopeMailSender sender, DeliveryOutcome outcome, Bounces bounces, Clock clock,
                         DeliveryCounters counters, MailSpool spool, DeliveryTrail trail) {
        this.sender = sender;
        this.outcome = outcome;
        this.bounces = bounces;
        this.clock = clock;
        this.counters = counters;
        this.spool = spool;
        this.trail = trail;
    }

    /** Exchange property: the JMS session the mail was received on (its local transaction). */
    static final String SESSION = "mailDeliverySession";

    /**
     * Exchange property: {@link MailProperties#DELAY_WARNED_AT} of the received message. The route removes
     * all headers before Camel Mail's producer, so it is kept here for {@link #decide(Exchange)}.
     */
    static final String DELAY_WARNED_AT = "mailDelayWarnedAt";

    /**
     * Broker message → the body Camel Mail's producer passes to our sender. A large mail is streamed into a
     * spool file first (it is read more than once: for SIZE and 8BITMIME, for DATA, for a deferred copy); the
     * file is deleted when the exchange is done, after the follow-ups were sent.
     */
    public QueuedMimeMessage prepare(Exchange exchange) throws MessagingException, JMSException, IOException {
        if (!(exchange.getIn() instanceof JmsMessage jms)) {
            throw new IllegalStateException("the delivery route consumes from JMS");
        }
        exchange.setProperty(SESSION, jms.getJmsSession());
        jakarta.jms.Message received = jms.getJmsMessage();
        MailContent content = MailBodies.read(received, spool);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                content.close();
            }
        });
        QueuedMail mail = QueuedMailCodec.fromJms(received, content);
        exchange.setProperty(DELAY_WARNED_AT, received.propertyExists(MailProperties.DELAY_WARNED_AT)
            ? received.getLongProperty(MailProperties.DELAY_WARNED_AT) : null);
        log.info("[delivery] {} attempt {} to {} recipient(s) via {}",
            mail.id(), mail.attempts() + 1, mail.envelope().recipients().size(), sender.transport().describe());
        return new QueuedMimeMessage(sender.getSession(), mail);
    }

    /**
     * After the attempt: log each recipient's result and send what goes back into the broker (the deferred
     * remainder, dead letters, delivery status notifications) on the very session the mail was received on, so that they commit in the
     * same local transaction as the consumption, whatever thread plumbing lies between.
     */
    public void decide(Exchange exchange) throws JMSException, IOException {
        QueuedMimeMessage attempted = exchange.getIn().getBody(QueuedMimeMessage.class);
        jakarta.jms.Session session = exchange.getProperty(SESSION, jakarta.jms.Session.class);
        if (session == null || !session.getTransacted()) {
            throw new IllegalStateException("the delivery route must run in a transacted JMS session");
        }
        Long warnedAt = exchange.getProperty(DELAY_WARNED_AT, Long.class);
        for (FollowUp followUp : decide(attempted, warnedAt == null ? null : Instant.ofEpochMilli(warnedAt))) {
            send(session, followUp);
        }
    }

    private static void send(jakarta.jms.Session session, FollowUp followUp) throws JMSException, IOException {
        Map<String, Object> properties = new HashMap<>(QueuedMailCodec.properties(followUp.mail()));
        if (followUp.deliverAt() != null) {
            properties.put(MailProperties.ARTEMIS_SCHEDULED_DELIVERY, followUp.deliverAt().toEpochMilli());
        }
        if (followUp.deadAt() != null) {
            properties.put(MailProperties.DEAD_REASON, followUp.mail().lastError());
            properties.put(MailProperties.DEAD_AT, followUp.deadAt().toEpochMilli());
        }
        if (followUp.delayWarnedAt() != null) {
            properties.put(MailProperties.DELAY_WARNED_AT, followUp.delayWarnedAt().toEpochMilli());
        }
        // the content of the attempted mail, streamed again for a large one: the copy keeps every byte
        MailBodies.send(session, followUp.queue(), followUp.mail().content(), properties);
    }

    /**
     * What goes back into the broker after an attempt; logs each recipient's result.
     *
     * @param delayWarnedAt when the sender was already sent a delay warning about this mail, or null
     */
    List<FollowUp> decide(QueuedMimeMessage attempted, Instant delayWarnedAt) {
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
                // held back by the gateway itself (a rate limit, no free connection): routine, not a failure
                case DEFERRED -> log.atLevel(result.postponed() ? Level.INFO : Level.WARN)
                    .log("[delivery] {} to=<{}> {}: {}", mail.id(), result.recipient(),
                        result.postponed() ? "waiting" : "deferred", result.reply());
                case FAILED -> log.warn("[delivery] {} to=<{}> failed: {}", mail.id(), result.recipient(), result.reply());
            }
        }
        List<FollowUp> followUps = bounces.addTo(outcome.decide(mail, report, now), mail, report, delayWarnedAt, now);
        trail.record(mail, sender.transport().describe(), report, followUps, now);
        for (FollowUp followUp : followUps) {
            if (followUp.isDead()) {
                log.warn("[delivery] {} dead-lettered for {} recipient(s): {}",
                    mail.id(), followUp.mail().envelope().recipients().size(), followUp.mail().lastError());
            } else if (followUp.isRetry() && followUp.mail().attempts() == mail.attempts()) {
                log.info("[delivery] {} held back for {} recipient(s), no attempt counted, next try at {}",
                    mail.id(), followUp.mail().envelope().recipients().size(), followUp.deliverAt());
            } else if (followUp.isRetry()) {
                log.info("[delivery] {} deferred for {} recipient(s), attempt {} failed, next attempt at {}",
                    mail.id(), followUp.mail().envelope().recipients().size(), followUp.mail().attempts(),
                    followUp.deliverAt());
            }
        }
        return followUps;
    }

}
