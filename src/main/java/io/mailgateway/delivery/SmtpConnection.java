package io.mailgateway.delivery;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.delivery.bounce.NextHopReply;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.QueuedMail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP client connection to a next hop, kept open across messages.
 *
 * <p>Jakarta Mail's {@code SMTPTransport} does the connection work we want to share with every other mail
 * client (STARTTLS, implicit TLS, certificate checks, AUTH mechanisms, dot-stuffing in its DATA stream).
 * Its {@code sendMessage} we do not use: it re-serialises the message and takes recipients from headers.
 * Here the envelope is spoken command by command from the queued mail, each RCPT reply is kept per
 * recipient, and DATA carries the stored bytes unchanged.
 */
final class SmtpConnection extends SMTPTransport {

    private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);
    private static final Pattern LINE_BREAKS = Pattern.compile("\\s*[\\r\\n]+\\s*");

    private final String peer;
    private boolean broken;
    private boolean brokenBeforeData;

    SmtpConnection(Session session, boolean implicitTls, String peer) {
        super(session, new URLName(implicitTls ? "smtps" : "smtp", null, -1, null, null, null),
            implicitTls ? "smtps" : "smtp", implicitTls);
        this.peer = peer;
    }

    /**
     * False once a command failed at the connection level; such a connection is not reused. (No NOOP
     * here: that would cost a round trip per message; the pool checks connections that sat idle.)
     */
    boolean reusable() {
        return !broken;
    }

    /**
     * True when the connection failed before any message data was sent: trying again on a new connection
     * cannot deliver the mail twice.
     */
    boolean brokenBeforeData() {
        return brokenBeforeData;
    }

    /**
     * The session settings every next hop shares: timeouts (a silent server must not hold a delivery thread),
     * the EHLO name, no wait for QUIT's reply, TLS 1.2 or newer. {@code prefix} is {@code mail.smtp.} or, for
     * implicit TLS, {@code mail.smtps.}; each transport adds its own TLS and AUTH settings.
     */
    static Properties sessionProperties(String prefix, GatewayProperties.Delivery delivery, String localHostname) {
        Properties properties = new Properties();
        properties.put(prefix + "connectiontimeout", String.valueOf(delivery.getConnectTimeout().toMillis()));
        properties.put(prefix + "timeout", String.valueOf(delivery.getReadTimeout().toMillis()));
        properties.put(prefix + "writetimeout", String.valueOf(delivery.getReadTimeout().toMillis()));
        properties.put(prefix + "localhost", localHostname);
        properties.put(prefix + "quitwait", "false");
        properties.put(prefix + "ssl.protocols", "TLSv1.3 TLSv1.2");
        return properties;
    }

    /** QUIT and close; a failure here matters only to the log, the mail's result is already known. */
    void closeQuietly() {
        try {
            close();
        } catch (MessagingException | RuntimeException e) {
            log.debug("[delivery] closing connection to {}: {}", peer, e.toString());
        }
    }

    /** One mail transaction: MAIL, one RCPT per envelope recipient, DATA with the stored bytes. */
    synchronized DeliveryReport send(QueuedMail mail) {
        List<String> recipients = mail.envelope().recipients();
        Map<String, RecipientResult> results = new LinkedHashMap<>();
        List<String> accepted = new ArrayList<>();
        String stage = "MAIL FROM";
        try {
            int mailCode = simpleCommand("MAIL FROM:<" + mail.envelope().sender() + ">" + mailParameters(mail));
            if (mailCode != 250) {
                String reply = said(stage);
                simpleCommand("RSET");
                return new DeliveryReport(
                    recipients.stream().map(r -> RecipientResult.fromReply(r, mailCode, reply)).toList());
            }
            stage = "RCPT TO";
            for (String recipient : recipients) {
                int code = simpleCommand("RCPT TO:<" + recipient + ">");
                if (code == 250 || code == 251) {
                    accepted.add(recipient);
                } else {
                    results.put(recipient, RecipientResult.fromReply(recipient, code, said(stage)));
                }
            }
            if (accepted.isEmpty()) {
                simpleCommand("RSET");
                return DeliveryReport.inOrder(recipients, results.values());
            }
            stage = "DATA";
            try {
                OutputStream data = data();
                mail.content().writeTo(data); // streamed: a large mail is read from its spool file
                data.flush();
                stage = "end of DATA";
                finishData();
            } catch (SMTPSendFailedException e) {
                // the DATA command or the final dot was refused; the transport already sent RSET
                for (String recipient : accepted) {
                    results.put(recipient, RecipientResult.fromReply(recipient, e.getReturnCode(), said(stage)));
                }
                return DeliveryReport.inOrder(recipients, results.values());
            }
            String reply = said(stage);
            for (String recipient : accepted) {
                results.put(recipient, RecipientResult.delivered(recipient, reply));
            }
            return DeliveryReport.inOrder(recipients, results.values());
        } catch (MessagingException | IOException e) {
            // connection refused, reset, timed out, or closed before the final reply: nobody still open
            // has the mail for sure, so all of them are deferred (at-least-once: a duplicate is possible)
            broken = true;
            brokenBeforeData = stage.equals("MAIL FROM") || stage.equals("RCPT TO");
            String reason = "connection to " + peer + " failed during " + stage + ": " + rootMessage(e);
            // accepted recipients have no result yet; those RCPT refused keep their reply
            for (String recipient : recipients) {
                results.putIfAbsent(recipient, RecipientResult.deferred(recipient, reason));
            }
            return DeliveryReport.inOrder(recipients, results.values());
        }
    }

    private String mailParameters(QueuedMail mail) throws IOException {
        StringBuilder parameters = new StringBuilder();
        if (supportsExtension("SIZE")) {
            parameters.append(" SIZE=").append(mail.content().size());
        }
        if (supportsExtension("8BITMIME") && hasEightBit(mail.content())) {
            parameters.append(" BODY=8BITMIME");
        }
        if (supportsExtension("SMTPUTF8") && !isAscii(mail.envelope())) {
            parameters.append(" SMTPUTF8");
        }
        return parameters.toString();
    }

    private String said(String stage) {
        String reply = getLastServerResponse();
        reply = reply == null ? "(no reply)" : LINE_BREAKS.matcher(reply.strip()).replaceAll(" ");
        return NextHopReply.said(peer, reply, stage);
    }

    private static boolean hasEightBit(MailContent content) throws IOException {
        try (InputStream in = content.open()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] < 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean isAscii(io.mailgateway.mail.MailEnvelope envelope) {
        StringBuilder all = new StringBuilder(envelope.sender());
        envelope.recipients().forEach(all::append);
        return StandardCharsets.US_ASCII.newEncoder().canEncode(all);
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.strip());
    }
}
