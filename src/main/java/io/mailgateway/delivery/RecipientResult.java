package io.mailgateway.delivery;

/**
 * What the next hop said about one recipient.
 *
 * @param recipient the envelope recipient
 * @param status delivered, deferred (try again later) or failed (never try again)
 * @param reply the remote reply or the local error, as an operator should read it
 */
public record RecipientResult(String recipient, Status status, String reply) {

    public enum Status { DELIVERED, DEFERRED, FAILED }

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
