package io.mailgateway.delivery;

import io.mailgateway.delivery.dkim.DkimKeys;
import io.mailgateway.delivery.dkim.DkimResult;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.QueuedMail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.apache.camel.component.mail.JavaMailSender;
import org.apache.camel.component.mail.MailAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code javaMailSender} of the delivery route's Camel Mail endpoint.
 *
 * <p>Camel Mail's default sender takes RCPT TO from the To/Cc/Bcc headers, calls {@code saveChanges()}
 * (rewriting headers) and opens a connection per message. This one hands the queued mail to the configured
 * {@link Transport}, which sends the stored bytes to the stored envelope over a reused connection, and
 * records the per-recipient result on the message. Host, port and credentials come from the gateway's
 * configuration, not from the endpoint URI, so the setters below are deliberately inert.
 */
public final class EnvelopeMailSender implements JavaMailSender {

    private static final Logger log = LoggerFactory.getLogger(EnvelopeMailSender.class);

    private final Transport transport;
    private final DkimKeys dkim;
    private final Session session = Session.getInstance(new Properties());

    public EnvelopeMailSender(Transport transport) {
        this(transport, DkimKeys.none());
    }

    public EnvelopeMailSender(Transport transport, DkimKeys dkim) {
        this.transport = transport;
        this.dkim = dkim;
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        if (!(message instanceof QueuedMimeMessage queued)) {
            throw new MessagingException("the delivery route sends only queued mail, got " + message.getClass().getName());
        }
        queued.report(transport.deliver(signed(queued.mail())));
    }

    /**
     * The mail as it goes out this attempt: with a DKIM-Signature field in front of the unchanged bytes when
     * a key for its From domain is configured (gateway.delivery.dkim). Signed anew at each attempt (a fresh
     * t=, a rotated key) and never stored: deferred copies and dead letters keep the bytes as received.
     */
    private QueuedMail signed(QueuedMail mail) throws MessagingException {
        if (dkim.isEmpty()) {
            return mail;
        }
        DkimResult result;
        try (InputStream in = mail.content().open()) {
            result = dkim.sign(in);
        } catch (IOException e) {
            throw new MessagingException("cannot read " + mail.id() + " to DKIM-sign it: " + e, e);
        }
        if (!result.isSigned()) {
            log.debug("[delivery] {} not DKIM-signed: {}", mail.id(), result.reason());
            return mail;
        }
        return mail.withContent(MailContent.concat(MailContent.of(result.headerBytes()), mail.content()));
    }

    public Transport transport() {
        return transport;
    }

    @Override
    public Session getSession() {
        return session;
    }

    @Override
    public Properties getJavaMailProperties() {
        return new Properties();
    }

    @Override
    public void setJavaMailProperties(Properties javaMailProperties) {
        // configuration comes from gateway.delivery.*, see the class comment
    }

    @Override
    public void addAdditionalJavaMailProperty(String key, String value) {
        // never per message: a per-message property would mean a per-message Session
    }

    @Override
    public void setHost(String host) {
    }

    @Override
    public String getHost() {
        return null;
    }

    @Override
    public void setPort(int port) {
    }

    @Override
    public int getPort() {
        return -1;
    }

    @Override
    public void setUsername(String username) {
    }

    @Override
    public String getUsername() {
        return null;
    }

    @Override
    public void setPassword(String password) {
    }

    @Override
    public String getPassword() {
        return null;
    }

    @Override
    public void setProtocol(String protocol) {
    }

    @Override
    public String getProtocol() {
        return "smtp";
    }

    @Override
    public void setSession(Session session) {
    }

    @Override
    public void setAuthenticator(MailAuthenticator authenticator) {
    }

    @Override
    public MailAuthenticator getAuthenticator() {
        return null;
    }
}
