package io.mailgateway.queue;

/** The broker queues the gateway owns; declared in artemis-config/broker.xml. Names are a contract. */
public final class QueueNames {

    /** Mail waiting for delivery, including deferred mail scheduled for a later attempt. */
    public static final String OUTBOUND = "mail.outbound";

    /** Mail that cannot be delivered; kept until an operator retries or deletes it. */
    public static final String DEAD = "mail.dead";

    private QueueNames() {
    }
}
