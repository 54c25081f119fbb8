package io.mailgateway.mail;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The one canonical form of a mail in the queue, whatever the intake: the raw RFC 5322 bytes (never
 * re-serialised after intake, so Bcc stays out and DKIM signatures stay valid), the SMTP envelope, and the
 * trace an operator needs to answer "where is my mail and why".
 *
 * @param id the gateway's queue id; the correlation id in every log line from intake to delivery
 * @param envelope MAIL FROM and the recipients still to be delivered
 * @param content the message exactly as it will be sent, CRLF line endings, not dot-stuffed; in memory or,
 *                when large, in a file (never read whole into the heap)
 * @param trace where and when the mail came in
 * @param attempts delivery attempts made so far (0 when freshly queued)
 * @param lastError the last next-hop reply or connection error; null before the first failure
 * @param nextAttemptAt when a deferred mail is tried again; null when not deferred
 */
public record QueuedMail(
        String id,
        MailEnvelope envelope,
        MailContent content,
        Trace trace,
        int attempts,
        String lastError,
        Instant nextAttemptAt) {

    public QueuedMail {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(trace, "trace");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative");
        }
    }

    /** A mail just received, not yet tried. */
    public static QueuedMail received(String id, MailEnvelope envelope, MailContent content, Trace trace) {
        return new QueuedMail(id, envelope, content, trace, 0, null, null);
    }

    /** The same mail (the same content, not a copy), still to go to {@code recipients}, after one more failed attempt. */
    public QueuedMail deferred(List<String> recipients, String error, Instant nextAttempt) {
        return new QueuedMail(id, envelope.withRecipients(recipients), content, trace, attempts + 1, error, nextAttempt);
    }

    /** The same mail, still to go to {@code recipients}, held back (a rate limit) without an attempt. */
    public QueuedMail postponed(List<String> recipients, String reason, Instant notBefore) {
        return new QueuedMail(id, envelope.withRecipients(recipients), content, trace, attempts, reason, notBefore);
    }

    /** The same mail with other bytes, e.g. with a DKIM signature in front for one delivery attempt. */
    public QueuedMail withContent(MailContent other) {
        return new QueuedMail(id, envelope, other, trace, attempts, lastError, nextAttemptAt);
    }

    /** The same mail for only some of its recipients, e.g. those one route delivers. */
    public QueuedMail forRecipients(List<String> recipients) {
        return new QueuedMail(id, envelope.withRecipients(recipients), content, trace, attempts, lastError, nextAttemptAt);
    }

    /** The same mail for {@code recipients} that cannot be delivered, after its final attempt. */
    public QueuedMail failed(List<String> recipients, String reason) {
        return new QueuedMail(id, envelope.withRecipients(recipients), content, trace, attempts + 1, reason, null);
    }

    /**
     * Where and when a mail came in.
     *
     * @param intake {@code smtp}, {@code pickup} or {@code jms}
     * @param receivedAt when the intake accepted it; the max-lifetime clock starts here
     * @param clientAddress the SMTP client's IP address, or the intake's own description of the source
     * @param authenticatedUser the SMTP AUTH user, or null
     */
    public record Trace(String intake, Instant receivedAt, String clientAddress, String authenticatedUser) {
        public Trace {
            Objects.requireNonNull(intake, "intake");
            Objects.requireNonNull(receivedAt, "receivedAt");
        }
    }
}
