package io.mailgateway.jms;

import io.mailgateway.envelope.AttachmentResolver;
import io.mailgateway.envelope.EnvelopeComposer;
import io.mailgateway.envelope.EnvelopeReader;
import io.mailgateway.mail.HeaderFields;
import io.mailgateway.mail.HeaderSection;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.RejectedMailException;
import io.mailgateway.mail.SubmittedMail;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Turns an intake JMS message into a submitted mail. Three payloads, and only the documented properties
 * are read (never JMSReplyTo, never a Camel or mail.smtp property):
 * <ol>
 * <li>a TextMessage whose body is an XML envelope (the pickup folder's format; file attachments refused);</li>
 * <li>a BytesMessage with a complete RFC 5322 message, and properties {@value #ENVELOPE_FROM} (empty for
 *     the null sender) and {@value #ENVELOPE_TO} (comma-separated);</li>
 * <li>a TextMessage with a plain body and properties {@value #TO} (required), {@value #CC}, {@value #BCC},
 *     {@value #FROM}, {@value #SUBJECT} (required), {@value #CONTENT_TYPE} ({@code text/plain} or
 *     {@code text/html}).</li>
 * </ol>
 * Any: {@value #IDEMPOTENCY_KEY} suppresses a resubmission with the same key.
 */
public final class JmsSubmissionReader {

    public static final String TO = "To";
    public static final String CC = "Cc";
    public static final String BCC = "Bcc";
    public static final String FROM = "From";
    public static final String SUBJECT = "Subject";
    public static final String CONTENT_TYPE = "ContentType";
    public static final String ENVELOPE_FROM = "EnvelopeFrom";
    public static final String ENVELOPE_TO = "EnvelopeTo";
    public static final String IDEMPOTENCY_KEY = "IdempotencyKey";

    private static final Session SESSION = Session.getInstance(new Properties());

    /** Compiled once: every simple message's text has its line endings made CRLF. */
    private static final Pattern LINE_BREAK = Pattern.compile("\r?\n|\r");

    private final EnvelopeReader envelopeReader;
    private final EnvelopeComposer envelopeComposer;
    private final long maxBytes;
    private final int maxRecipients;
    private final String defaultFrom;

    public JmsSubmissionReader(EnvelopeReader envelopeReader, EnvelopeComposer envelopeComposer, long maxBytes,
                               int maxRecipients, String defaultFrom) {
        this.envelopeReader = envelopeReader;
        this.envelopeComposer = envelopeComposer;
        this.maxBytes = maxBytes;
        this.maxRecipients = maxRecipients;
        this.defaultFrom = defaultFrom;
    }

    public SubmittedMail read(Message message) throws RejectedMailException, JMSException {
        String key = message.getStringProperty(IDEMPOTENCY_KEY);
        if (key != null && (key.isBlank() || key.length() > 200 || key.chars().anyMatch(c -> c < 0x20))) {
            throw new RejectedMailException(IDEMPOTENCY_KEY + " must be 1 to 200 printable characters");
        }
        SubmittedMail mail;
        if (message instanceof TextMessage text) {
            String body = text.getText();
            if (body == null) {
                throw new RejectedMailException("the TextMessage has no body");
            }
            // a char is at most 3 UTF-8 bytes: only a body near the limit needs the (copying) exact count
            if (body.length() > maxBytes
                    || ((long) body.length() * 3 > maxBytes && body.getBytes(StandardCharsets.UTF_8).length > maxBytes)) {
                throw new RejectedMailException("message larger than " + maxBytes + " bytes");
            }
            // an XML envelope is a document in our namespace; anything else is the text of a simple message
            mail = message.getStringProperty(TO) == null && body.stripLeading().startsWith("<")
                    && body.contains("urn:mailgateway:envelope:")
                ? envelope(body)
                : simple(message, body);
        } else if (message instanceof BytesMessage bytes) {
            mail = raw(message, bytes);
        } else {
            throw new RejectedMailException(kind(message) + " is refused: send a TextMessage (an XML envelope, or"
                + " text with To and Subject properties) or a BytesMessage (RFC 5322 bytes with EnvelopeFrom and"
                + " EnvelopeTo properties)");
        }
        return new SubmittedMail(mail.envelope(), mail.content(), key != null ? key : mail.idempotencyKey(), List.of());
    }

    private SubmittedMail envelope(String xml) throws RejectedMailException {
        return envelopeComposer.compose(
            envelopeReader.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "XML envelope"),
            AttachmentResolver.none(), maxRecipients);
    }

    private SubmittedMail simple(Message message, String body) throws RejectedMailException, JMSException {
        List<InternetAddress> to = addresses(message, TO);
        List<InternetAddress> cc = addresses(message, CC);
        List<InternetAddress> bcc = addresses(message, BCC);
        if (to.isEmpty()) {
            throw new RejectedMailException("property " + TO + " is required (comma-separated addresses)");
        }
        String subject = message.getStringProperty(SUBJECT);
        if (subject == null) {
            throw new RejectedMailException("property " + SUBJECT + " is required");
        }
        requirePrintable(SUBJECT, subject);
        String fromValue = message.getStringProperty(FROM);
        InternetAddress from = single(fromValue != null ? fromValue : defaultFrom, FROM);
        String contentType = message.getStringProperty(CONTENT_TYPE);
        String subtype = contentType == null ? "plain" : switch (contentType.trim().toLowerCase(Locale.ROOT)) {
            case "text/plain" -> "plain";
            case "text/html" -> "html";
            default -> throw new RejectedMailException(CONTENT_TYPE + " must be text/plain or text/html");
        };
        try {
            MimeMessage mime = new MimeMessage(SESSION);
            mime.setFrom(from);
            mime.setRecipients(jakarta.mail.Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
            if (!cc.isEmpty()) {
                mime.setRecipients(jakarta.mail.Message.RecipientType.CC, cc.toArray(InternetAddress[]::new));
            }
            mime.setSubject(subject, StandardCharsets.UTF_8.name());
            mime.setText(LINE_BREAK.matcher(body).replaceAll("\r\n"), StandardCharsets.UTF_8.name(), subtype);
            mime.saveChanges();
            mime.removeHeader("Message-ID"); // the gateway gives it one with its queue id
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mime.writeTo(out);
            LinkedHashSet<String> recipients = new LinkedHashSet<>();
            for (List<InternetAddress> list : List.of(to, cc, bcc)) {
                list.forEach(a -> recipients.add(a.getAddress()));
            }
            checkCount(recipients.size());
            return new SubmittedMail(new MailEnvelope(from.getAddress(), new ArrayList<>(recipients)),
                MailContent.of(HeaderFields.toCrlf(out.toByteArray())), null, List.of());
        } catch (MessagingException | IOException e) {
            throw new RejectedMailException("cannot build the message: " + e.getMessage(), e);
        }
    }

    private SubmittedMail raw(Message message, BytesMessage bytes) throws RejectedMailException, JMSException {
        long length = bytes.getBodyLength();
        if (length == 0) {
            throw new RejectedMailException("the BytesMessage is empty");
        }
        if (length > maxBytes) {
            throw new RejectedMailException("message of " + length + " bytes is larger than " + maxBytes + " bytes");
        }
        byte[] content = new byte[(int) length];
        bytes.readBytes(content);
        for (byte b : content) {
            if (b == 0) {
                throw new RejectedMailException("the message contains NUL bytes: not an RFC 5322 message");
            }
        }
        content = HeaderFields.toCrlf(content);
        if (HeaderSection.end(content) == 0) {
            throw new RejectedMailException("the message does not start with a header field");
        }
        String sender = message.getStringProperty(ENVELOPE_FROM);
        if (sender == null) {
            throw new RejectedMailException("property " + ENVELOPE_FROM + " is required (empty for the null sender)");
        }
        String senderAddress = sender.isBlank() ? "" : single(sender, ENVELOPE_FROM).getAddress();
        List<InternetAddress> recipients = addresses(message, ENVELOPE_TO);
        if (recipients.isEmpty()) {
            throw new RejectedMailException("property " + ENVELOPE_TO + " is required (comma-separated addresses)");
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        recipients.forEach(a -> unique.add(a.getAddress()));
        checkCount(unique.size());
        return new SubmittedMail(new MailEnvelope(senderAddress, new ArrayList<>(unique)), MailContent.of(content), null,
            List.of());
    }

    private List<InternetAddress> addresses(Message message, String property) throws RejectedMailException, JMSException {
        String value = message.getStringProperty(property);
        List<InternetAddress> result = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return result;
        }
        requirePrintable(property, value);
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                result.add(single(part.trim(), property));
            }
            if (result.size() > maxRecipients) {
                checkCount(result.size());
            }
        }
        return result;
    }

    private static InternetAddress single(String value, String property) throws RejectedMailException {
        requirePrintable(property, value);
        try {
            InternetAddress address = new InternetAddress(value, true);
            address.validate();
            if (address.isGroup()) {
                throw new AddressException("group syntax is not allowed");
            }
            return address;
        } catch (AddressException e) {
            throw new RejectedMailException("property " + property + ": invalid address '" + value + "': " + e.getMessage());
        }
    }

    private void checkCount(int count) throws RejectedMailException {
        if (count > maxRecipients) {
            throw new RejectedMailException("more than " + maxRecipients + " recipients");
        }
    }

    private static void requirePrintable(String property, String value) throws RejectedMailException {
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new RejectedMailException("property " + property + " contains a line break or control character");
        }
    }

    private static String article(String noun) {
        return ("AEIOU".indexOf(Character.toUpperCase(noun.charAt(0))) >= 0 ? "an " : "a ") + noun;
    }

    private static String kind(Message message) {
        for (Class<?> type : message.getClass().getInterfaces()) {
            if (type.getName().startsWith("jakarta.jms.")) {
                return article(type.getSimpleName());
            }
        }
        return article(message.getClass().getSimpleName());
    }
}
