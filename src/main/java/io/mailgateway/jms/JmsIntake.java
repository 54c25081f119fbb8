package io.mailgateway.jms;

import io.mailgateway.mail.IntakeStamp;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.QueueIds;
import io.mailgateway.mail.QueuedMail;
import io.mailgateway.mail.RejectedMailException;
import io.mailgateway.mail.SubmittedMail;
import io.mailgateway.queue.EnqueueException;
import io.mailgateway.queue.OutboundQueue;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step of the {@code jms-intake} route. It runs inside the route's local JMS transaction: queueing the
 * mail to mail.outbound (or moving a poison message to the invalid queue) commits together with consuming
 * the intake message, so a crash neither loses nor doubles it. A resubmission with an idempotency key (or
 * JMS message id) already queued is consumed without queueing it again.
 */
public final class JmsIntake {

    /** On messages in the invalid queue: why the message can never be mail. */
    public static final String REJECT_REASON = "MailRejectReason";
    public static final String REJECTED_AT = "MailRejectedAt";
    public static final String ORIGINAL_MESSAGE_ID = "MailOriginalMessageId";

    private static final Logger log = LoggerFactory.getLogger(JmsIntake.class);

    /** Compiled once: every intake message's JMS id goes through {@link #printable}. */
    private static final Pattern NOT_PRINTABLE = Pattern.compile("[^\\x21-\\x7e]");

    private final JmsSubmissionReader reader;
    private final OutboundQueue queue;
    private final ProducerTemplate producer;
    private final String invalidEndpoint;
    private final IntakeStamp stamp;
    private final Predicate<String> alreadyQueued;
    private final Clock clock;

    /**
     * @param alreadyQueued whether a duplicate id is known to mail.outbound's duplicate detection. Checked
     *                      first because a duplicate inside a transaction makes the broker roll the whole
     *                      transaction back, which would redeliver the intake message again and again
     */
    public JmsIntake(JmsSubmissionReader reader, OutboundQueue queue, ProducerTemplate producer, String invalidQueue,
                     String hostname, Predicate<String> alreadyQueued, Clock clock) {
        this.reader = reader;
        this.queue = queue;
        this.producer = producer;
        this.invalidEndpoint = "jms:queue:" + invalidQueue;
        this.stamp = new IntakeStamp(hostname);
        this.alreadyQueued = alreadyQueued;
        this.clock = clock;
    }

    public void accept(Exchange exchange) throws JMSException, EnqueueException {
        Message message = exchange.getIn(JmsMessage.class).getJmsMessage();
        String jmsId = message.getJMSMessageID();
        try {
            SubmittedMail submitted = reader.read(message);
            // closing the content deletes its spool file, if composing an XML envelope made one
            try (MailContent submittedContent = submitted.content()) {
                String duplicateId = submitted.idempotencyKey() != null ? "key:" + submitted.idempotencyKey()
                    : jmsId != null ? "jms:" + jmsId : null;
                if (duplicateId != null && alreadyQueued.test(duplicateId)) {
                    log.info("[jms] message {} already queued (duplicate id {}), not queued again", jmsId, duplicateId);
                    return;
                }
                Instant now = clock.instant();
                String id = QueueIds.next();
                String shownId = printable(jmsId);
                MailContent content = stamp.stamp(submittedContent, "jms (" + shownId + ")", "local", id,
                    submitted.envelope().recipients(), now);
                queue.enqueue(QueuedMail.received(id, submitted.envelope(), content,
                    new QueuedMail.Trace("jms", now, "jms:" + shownId, null)), duplicateId);
                log.info("[jms] {} queued from message {} from=<{}> recipients={} size={}", id,
                    jmsId == null ? "(no id)" : jmsId, submitted.envelope().sender(),
                    submitted.envelope().recipients().size(), content.size());
            }
        } catch (RejectedMailException e) {
            moveToInvalid(message, jmsId, e.getMessage());
        }
    }

    private void moveToInvalid(Message message, String jmsId, String reason) throws JMSException {
        Map<String, Object> headers = new HashMap<>();
        headers.put(REJECT_REASON, reason);
        headers.put(REJECTED_AT, clock.millis());
        if (jmsId != null) {
            headers.put(ORIGINAL_MESSAGE_ID, jmsId);
        }
        Object body;
        if (message instanceof TextMessage text) {
            body = text.getText() == null ? "" : text.getText();
        } else if (message instanceof BytesMessage bytes) {
            bytes.reset();
            byte[] content = new byte[(int) Math.min(bytes.getBodyLength(), Integer.MAX_VALUE - 8)];
            bytes.readBytes(content);
            body = content;
        } else {
            body = ""; // an ObjectMessage is never deserialised, a MapMessage never read: the reason says what it was
        }
        producer.sendBodyAndHeaders(invalidEndpoint, body, headers);
        log.warn("[jms] message {} moved to the invalid queue: {}", jmsId, reason);
    }

    private static String printable(String s) {
        return s == null ? "unknown" : NOT_PRINTABLE.matcher(s).replaceAll("?");
    }

}
