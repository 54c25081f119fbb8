package io.mailgateway.queue;

import io.mailgateway.mail.QueuedMail;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * The intakes' one way into the queue: the {@code enqueue} route (routes/enqueue.yaml). It returns only
 * once the broker has persisted the mail (a persistent, blocking send with journal sync on), which is what
 * allows an intake to acknowledge: SMTP 250, a pickup file moved away, a JMS commit.
 *
 * <p>A small mail goes as a byte array; one over {@link MailBodies#STREAM_ABOVE} as a stream read from its
 * content (a pickup or spool file) while the broker writes it to a large-message file, so that it is never
 * whole in the heap.
 */
@Component
public class OutboundQueue {

    /** The endpoint routes/enqueue.yaml consumes. */
    public static final String ENQUEUE_ENDPOINT = "direct:enqueue";

    private final ProducerTemplate producer;
    private final MeterRegistry metrics;

    public OutboundQueue(ProducerTemplate producer, MeterRegistry metrics) {
        this.producer = producer;
        this.metrics = metrics;
    }

    public void enqueue(QueuedMail mail) throws EnqueueException {
        enqueue(mail, null);
    }

    /**
     * @param duplicateId when set, the broker drops a second mail with the same id (Artemis duplicate
     *                    detection, kept in its journal): a pickup file re-read after a crash, or a JMS
     *                    message resubmitted with the same idempotency key, is queued once
     */
    public void enqueue(QueuedMail mail, String duplicateId) throws EnqueueException {
        Map<String, Object> properties = QueuedMailCodec.properties(mail);
        if (duplicateId != null) {
            properties.put(MailProperties.ARTEMIS_DUPLICATE_ID, duplicateId);
        }
        boolean stream = mail.content().size() > MailBodies.STREAM_ABOVE;
        try (InputStream body = stream ? mail.content().open() : null) {
            producer.sendBodyAndHeaders(ENQUEUE_ENDPOINT, stream ? body : mail.content().bytes(), properties);
            // mailgateway_accepted_total{intake=smtp|pickup|jms}: mail the gateway now answers for
            metrics.counter("mailgateway.accepted", "intake", mail.trace().intake()).increment();
        } catch (IOException e) {
            throw new EnqueueException("could not read " + mail.id() + " to queue it: " + e, e);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new EnqueueException("could not queue " + mail.id() + ": " + cause, cause);
        }
    }
}
