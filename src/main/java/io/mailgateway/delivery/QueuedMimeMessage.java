package io.mailgateway.delivery;

import io.mailgateway.mail.QueuedMail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The body Camel Mail's producer hands to our {@link EnvelopeMailSender}: a {@link MimeMessage} (which the
 * producer passes through untouched) that wraps the queued mail. Only the header section is parsed, for
 * Camel's Message-ID header; writing it out streams the stored bytes, never a re-serialisation. The sender
 * leaves the per-recipient result here for the route's next step.
 */
public final class QueuedMimeMessage extends MimeMessage {

    private final QueuedMail mail;
    private volatile DeliveryReport report;

    public QueuedMimeMessage(Session session, QueuedMail mail) throws MessagingException {
        super(session);
        this.mail = mail;
        this.headers = headerSection(mail.content().head());
    }

    /**
     * The header section as {@link InternetHeaders}, built line by line rather than with
     * {@code new InternetHeaders(InputStream)}: that constructor looks its line reader up through
     * {@code ServiceLoader} on every call (jakarta.mail 2.1's {@code StreamProvider.provider()}), a scan of
     * the class path that took a third of the delivery threads' CPU with 100 KB mails. Bytes become chars
     * one to one (ISO-8859-1), as that reader does without mail.mime.allowutf8; folded lines are joined by
     * {@link InternetHeaders#addHeaderLine}.
     */
    static InternetHeaders headerSection(byte[] head) {
        InternetHeaders headers = new InternetHeaders();
        // head() may hold some of the body too: stop at the empty line rather than split the whole array
        int start = 0;
        while (start < head.length) {
            int end = start;
            while (end < head.length && head[end] != '\r' && head[end] != '\n') {
                end++;
            }
            if (end == start) {
                break; // the empty line that ends the header section
            }
            headers.addHeaderLine(new String(head, start, end - start, StandardCharsets.ISO_8859_1));
            start = end < head.length && head[end] == '\r' && end + 1 < head.length && head[end + 1] == '\n'
                ? end + 2 : end + 1;
        }
        return headers;
    }

    public QueuedMail mail() {
        return mail;
    }

    /** Null until the sender has tried the next hop. */
    public DeliveryReport report() {
        return report;
    }

    void report(DeliveryReport report) {
        this.report = report;
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException {
        mail.content().writeTo(out);
    }

    @Override
    public int getSize() {
        return (int) Math.min(mail.content().size(), Integer.MAX_VALUE);
    }

    @Override
    protected void updateHeaders() {
        // the stored bytes are final: no header is rewritten after intake
    }
}
