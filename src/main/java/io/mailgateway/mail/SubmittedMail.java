package io.mailgateway.mail;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What an intake parser (pickup file, XML envelope, JMS message) produces before the gateway adds its
 * trace headers and queues it: the envelope, the complete RFC 5322 message (CRLF line endings), an
 * optional idempotency key, and the files that belong to it (attachments referenced by an XML envelope,
 * which move together with it). The intake that asked for it closes the content once it is queued.
 *
 * @param idempotencyKey the submitter's key for duplicate suppression, or null
 * @param companionFiles files consumed along with the source file; empty for most intakes
 */
public record SubmittedMail(MailEnvelope envelope, MailContent content, String idempotencyKey, List<Path> companionFiles) {

    public SubmittedMail {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(content, "content");
        companionFiles = List.copyOf(companionFiles);
    }
}
