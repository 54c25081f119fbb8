package io.mailgateway.delivery;

import java.time.Instant;

/**
 * What the next hop said about one recipient.
 *
 * @param recipient the envelope recipient
 * @param status delivered, deferred (try again later) or failed (never try again)
 * @param reply the remote reply or the local error, as an operator should read it
 * @param notBefore for a deferral the gateway chose itself (a rate limit): when to try again; nothing was
 *                  attempted, so no attempt is counted. Null for everything the next hop decided.
 */
public record RecipientResult(String recipient, Status status, String reply, Instant notBefore) {

    public enum Status { DELIVERED, DEFERRED, FAILED }

    public RecipientResult(String recipient, Status status, String reply) {
        this(recipient, status, reply, null);
    }

    /** Held back by the gateway (a rate limit) until {@code notBefore}; not an attempt. */
    public static RecipientResult postponed(String recipient, String reason, Instant notBefore) {
        return new RecipientResult(recipient, Status.DEFERRED, reason, notBefore);
    }

    public boolean postponed() {
        return notBefore != null;
    }

    public static RecipientResult delivered(String recipient, String reply) {
        return new RecipientResult(recipient, Status.DELIVERED, reply);
    }

    public static RecipientResult deferred(String recipient, String reply) {
        return new RecipientResult(recipient, Status.DEFERRED, reply);
    }

    public static RecipientResult failed(String recipient, String reply) {
        return new RecipientResult(recipient, Status.FAILED, reply);
    }

    /** An SMTP reply code decides: 2xx delivered, 5xx failed, anything else (4xx, none) deferred. */
    public static RecipientResult fromReply(String recipient, int code, String reply) {
        if (code >= 200 && code < 300) {
            return delivered(recipient, reply);
        }
        if (code >= 500 && code < 600) {
            return failed(recipient, reply);
        }
        return deferred(recipient, reply);
    }
}
