package io.mailgateway.delivery;

import io.mailgateway.mail.QueuedMail;
import io.mailgateway.queue.MailProperties;
import io.mailgateway.queue.QueuedMailCodec;
import jakarta.mail.MessagingException;
import java.time.Clock;
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

    /** Exchange property naming the queue a follow-up goes to; a property, so it never becomes a JMS one. */
    public static final String TARGET_QUEUE = "mailTargetQueue";

    private static final Logger log = LoggerFactory.getLogger(DeliverySteps.class);

    private final EnvelopeMailSender sender;
    private final DeliveryOutcome outcome;
    private final Clock clock;

    public DeliverySteps(EnvelopeMailSender sender, DeliveryOutcome outcome, Clock clock) {
        this.sender = sender;
        this.outcome = outcome;
        this.clock = clock;
    }

    /** Broker message → the body Camel Mail's producer passes to our sender. */
    public QueuedMimeMessage prepare(Message message) throws MessagingException {
        QueuedMail mail = QueuedMailCodec.fromMessage(message);
        log.info("[delivery] {} attempt {} to {} recipient(s) via {}",
            mail.id(), mail.attempts() + 1, mail.envelope().recipients().size(), sender.transport().describe());
        return new QueuedMimeMessage(sender.getSession(), mail);
    }

    /** After the attempt: log each recipient's result and say what goes back into the broker. */
    public List<FollowUp> decide(QueuedMimeMessage attempted) {
        QueuedMail mail = attempted.mail();
        DeliveryReport report = attempted.report();
        if (report == null) {
            throw new IllegalStateException("no delivery report for " + mail.id() + ": the mail sender did not run");
        }
        for (RecipientResult result : report.results()) {
            switch (result.status()) {
                case DELIVERED -> log.info("[delivery] {} to=<{}> delivered: {}", mail.id(), result.recipient(), result.reply());
                case DEFERRED -> log.warn("[delivery] {} to=<{}> deferred: {}", mail.id(), result.recipient(), result.reply());
                case FAILED -> log.warn("[delivery] {} to=<{}> failed: {}", mail.id(), result.recipient(), result.reply());
            }
        }
        List<FollowUp> followUps = outcome.decide(mail, report, clock.instant());
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

    /** One follow-up → the broker message to send; the target queue goes in {@link #TARGET_QUEUE}. */
    public void write(FollowUp followUp, Exchange exchange) {
        Map<String, Object> properties = new HashMap<>(QueuedMailCodec.properties(followUp.mail()));
        if (followUp.deliverAt() != null) {
            properties.put(MailProperties.ARTEMIS_SCHEDULED_DELIVERY, followUp.deliverAt().toEpochMilli());
        }
        if (followUp.deadAt() != null) {
            properties.put(MailProperties.DEAD_REASON, followUp.mail().lastError());
            properties.put(MailProperties.DEAD_AT, followUp.deadAt().toEpochMilli());
        }
        Message message = exchange.getMessage();
        message.setHeaders(properties);
        message.setBody(followUp.mail().content());
        exchange.setProperty(TARGET_QUEUE, followUp.queue());
    }
}
