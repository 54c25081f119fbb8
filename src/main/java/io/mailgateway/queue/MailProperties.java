package io.mailgateway.queue;

/**
 * Names of the message properties that carry a queued mail's envelope and trace through the broker. They
 * are what operators see in the broker's console, so they are stable. Property names must be Java
 * identifiers (JMS 3.5.1), hence no dots or dashes.
 */
public final class MailProperties {

    public static final String QUEUE_ID = "MailQueueId";
    public static final String ENVELOPE_FROM = "MailEnvelopeFrom";
    /** Envelope recipients separated by LF: no RFC 5321 path can contain a line break. */
    public static final String ENVELOPE_TO = "MailEnvelopeTo";
    public static final String INTAKE = "MailIntake";
    /** The decoded Subject, cut to 200 characters: what operators see in listings without reading bodies. */
    public static final String SUBJECT = "MailSubject";
    public static final String RECEIVED_AT = "MailReceivedAt";
    public static final String CLIENT_ADDRESS = "MailClientAddress";
    public static final String AUTH_USER = "MailAuthUser";
    public static final String ATTEMPTS = "MailAttempts";
    public static final String LAST_ERROR = "MailLastError";
    public static final String NEXT_ATTEMPT_AT = "MailNextAttemptAt";
    /** On dead letters: why the mail could not be delivered. */
    public static final String DEAD_REASON = "MailDeadReason";
    public static final String DEAD_AT = "MailDeadAt";
    /** On deferred mail: when the sender was sent the one "delayed" notification (epoch milliseconds). */
    public static final String DELAY_WARNED_AT = "MailDelayWarnedAt";

    /** Artemis: a second message with the same value on the address is dropped (duplicate detection). */
    public static final String ARTEMIS_DUPLICATE_ID = "_AMQ_DUPL_ID";

    /** Artemis: deliver no earlier than this epoch-millisecond time. */
    public static final String ARTEMIS_SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

    static final String RECIPIENT_SEPARATOR = "\n";

    private MailProperties() {
    }
}
