package io.mailgateway.delivery;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.apache.camel.component.mail.JavaMailSender;
import org.apache.camel.component.mail.MailAuthenticator;

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

    private final Transport transport;
    private final Session session = Session.getInstance(new Properties());

    public EnvelopeMailSender(Transport transport) {
        this.transport = transport;
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        if (!(message instanceof QueuedMimeMessage queued)) {
            throw new MessagingException("the delivery route sends only queued mail, got " + message.getClass().getName());
        }
        queued.report(transport.deliver(queued.mail()));
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
