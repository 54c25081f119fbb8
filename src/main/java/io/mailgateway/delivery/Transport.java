package io.mailgateway.delivery;

import io.mailgateway.mail.QueuedMail;

/**
 * A way to hand a queued mail to its next hop. Implementations send {@link QueuedMail#content()} unchanged
 * to the envelope recipients, streamed (it may be a 50 MB file), and report per recipient.
 *
 * <p>Contract: a failure of the next hop (refused connection, timeout, 4xx, 5xx) is a result, not an
 * exception. An exception means the gateway itself is broken; the delivery transaction then rolls back and
 * the broker's redelivery limits (artemis-config/broker.xml) are the safety net.
 */
public interface Transport {

    DeliveryReport deliver(QueuedMail mail);

    /** Short description for logs, e.g. {@code smarthost smtp.example.com:587 starttls-required}. */
    String describe();
}
