package io.mailgateway.queue;

import io.mailgateway.mail.QueuedMail;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * The intakes' one way into the queue: the {@code enqueue} route (routes/enqueue.yaml). It returns only
 * once the broker has persisted the mail (a persistent, blocking send with journal sync on), which is what
 * allows an intake to acknowledge: SMTP 250, a pickup file moved away, a JMS commit.
 */
@Component
public class OutboundQueue {

    /** The endpoint routes/enqueue.yaml consumes. */
    public static final String ENQUEUE_ENDPOINT = "direct:enqueue";

    private final ProducerTemplate producer;

    public OutboundQueue(ProducerTemplate producer) {
        this.producer = producer;
    }

    public void enqueue(QueuedMail mail) throws EnqueueException {
        try {
            producer.sendBodyAndHeaders(ENQUEUE_ENDPOINT, mail.content(), QueuedMailCodec.properties(mail));
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new EnqueueException("could not queue " + mail.id() + ": " + cause, cause);
        }
    }
}
