package io.mailgateway.delivery;

import io.mailgateway.mail.QueuedMail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;

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
        this.headers = new InternetHeaders(new ByteArrayInputStream(mail.content().head()));
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
