package io.mailgateway.envelope;

import io.mailgateway.mail.RejectedMailException;
import java.nio.file.Path;

/**
 * Turns an attachment reference of an XML envelope ({@code <attachment file="report.pdf"/>}) into a file
 * that may be read, or refuses it. The pickup folder allows regular files inside itself only; the JMS
 * intake, having no folder, refuses every reference.
 */
@FunctionalInterface
public interface AttachmentResolver {

    /**
     * @param reference the name as written in the envelope
     * @return a regular file that is safe to read
     * @throws RejectedMailException naming the reference and why it is refused
     */
    Path resolve(String reference) throws RejectedMailException;

    /** For intakes without a folder: no file references at all. */
    static AttachmentResolver none() {
        return reference -> {
            throw new RejectedMailException("attachment file references are not allowed here ('" + reference
                + "'); send the content inline as base64");
        };
    }
}
