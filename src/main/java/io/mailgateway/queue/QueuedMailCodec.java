package io.mailgateway.queue;

import io.mailgateway.mail.HeaderFields;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueuedMail;
import jakarta.jms.JMSException;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a {@link QueuedMail} into broker message properties (envelope and trace; the body is the content,
 * see {@link MailBodies}) and back. This is the only place that knows the property layout.
 */
public final class QueuedMailCodec {

    /** Compiled once: {@link #subject} runs for every mail queued, and again for every follow-up. */
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private QueuedMailCodec() {
    }

    /** The message properties of a queued mail; the body is {@link QueuedMail#content()}. */
    public static Map<String, Object> properties(QueuedMail mail) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(MailProperties.QUEUE_ID, mail.id());
        properties.put(MailProperties.ENVELOPE_FROM, mail.envelope().sender());
        properties.put(MailProperties.ENVELOPE_TO,
            String.join(MailProperties.RECIPIENT_SEPARATOR, mail.envelope().recipients()));
        properties.put(MailProperties.INTAKE, mail.trace().intake());
        properties.put(MailProperties.SUBJECT, subject(mail.content().head()));
        properties.put(MailProperties.RECEIVED_AT, mail.trace().receivedAt().toEpochMilli());
        putIfSet(properties, MailProperties.CLIENT_ADDRESS, mail.trace().clientAddress());
        putIfSet(properties, MailProperties.AUTH_USER, mail.trace().authenticatedUser());
        properties.put(MailProperties.ATTEMPTS, mail.attempts());
        putIfSet(properties, MailProperties.LAST_ERROR, mail.lastError());
        if (mail.nextAttemptAt() != null) {
            properties.put(MailProperties.NEXT_ATTEMPT_AT, mail.nextAttemptAt().toEpochMilli());
        }
        return properties;
    }

    /**
     * The queued mail a received broker message carries.
     *
     * @param content its body ({@link MailBodies#read})
     * @throws IllegalArgumentException naming what is missing, when the message is not a queued mail
     */
    public static QueuedMail fromJms(jakarta.jms.Message message, MailContent content) throws JMSException {
        Map<String, Object> properties = new HashMap<>();
        for (Enumeration<?> names = message.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            if (name.startsWith("Mail")) {
                properties.put(name, message.getObjectProperty(name));
            }
        }
        return fromProperties(properties::get, content);
    }

    /**
     * The queued mail from its properties (numbers may come back as numbers or as their text) and body.
     *
     * @throws IllegalArgumentException naming what is missing, when these are not a queued mail
     */
    public static QueuedMail fromProperties(Function<String, Object> property, MailContent content) {
        if (content == null) {
            throw new IllegalArgumentException("message has no body");
        }
        String id = required(property, MailProperties.QUEUE_ID);
        String sender = text(property, MailProperties.ENVELOPE_FROM);
        List<String> recipients = Arrays.stream(
                required(property, MailProperties.ENVELOPE_TO).split(MailProperties.RECIPIENT_SEPARATOR))
            .filter(r -> !r.isEmpty())
            .toList();
        Long receivedAt = number(property, MailProperties.RECEIVED_AT);
        if (receivedAt == null) {
            throw new IllegalArgumentException("queued message lacks property " + MailProperties.RECEIVED_AT);
        }
        QueuedMail.Trace trace = new QueuedMail.Trace(
            required(property, MailProperties.INTAKE),
            Instant.ofEpochMilli(receivedAt),
            text(property, MailProperties.CLIENT_ADDRESS),
            text(property, MailProperties.AUTH_USER));
        Long attempts = number(property, MailProperties.ATTEMPTS);
        Long next = number(property, MailProperties.NEXT_ATTEMPT_AT);
        return new QueuedMail(id, new MailEnvelope(sender == null ? "" : sender, recipients), content, trace,
            attempts == null ? 0 : Math.toIntExact(attempts), text(property, MailProperties.LAST_ERROR),
            next == null ? null : Instant.ofEpochMilli(next));
    }

    /** The first Subject header, decoded (RFC 2047), control characters removed, at most 200 characters. */
    static String subject(byte[] head) {
        List<String> values = HeaderFields.values(head, "Subject");
        if (values.isEmpty()) {
            return "";
        }
        String decoded;
        try {
            decoded = MimeUtility.decodeText(values.get(0));
        } catch (UnsupportedEncodingException e) {
            decoded = values.get(0);
        }
        decoded = CONTROL.matcher(decoded).replaceAll(" ").strip();
        return decoded.length() > 200 ? decoded.substring(0, 200) : decoded;
    }

    private static String text(Function<String, Object> property, String name) {
        Object value = property.apply(name);
        return value == null ? null : value.toString();
    }

    private static String required(Function<String, Object> property, String name) {
        String value = text(property, name);
        if (value == null) {
            throw new IllegalArgumentException("queued message lacks property " + name);
        }
        return value;
    }

    private static Long number(Function<String, Object> property, String name) {
        Object value = property.apply(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(value.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("queued message property " + name + " is not a number: " + value);
        }
    }

    private static void putIfSet(Map<String, Object> properties, String name, String value) {
        if (value != null) {
            properties.put(name, value);
        }
    }
}
