package io.mailgateway.queue;

import io.mailgateway.mail.HeaderFields;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueuedMail;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Message;

/**
 * Turns a {@link QueuedMail} into a broker message (bytes body, envelope and trace as properties) and
 * back. This is the only place that knows the property layout.
 */
public final class QueuedMailCodec {

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
        properties.put(MailProperties.SUBJECT, subject(mail.content()));
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
     * @throws IllegalArgumentException naming what is missing, when the message is not a queued mail
     */
    public static QueuedMail fromMessage(Message message) {
        byte[] content = message.getBody(byte[].class);
        if (content == null) {
            throw new IllegalArgumentException("message has no body");
        }
        String id = required(message, MailProperties.QUEUE_ID);
        String sender = message.getHeader(MailProperties.ENVELOPE_FROM, "", String.class);
        List<String> recipients = Arrays.stream(
                required(message, MailProperties.ENVELOPE_TO).split(MailProperties.RECIPIENT_SEPARATOR))
            .filter(r -> !r.isEmpty())
            .toList();
        QueuedMail.Trace trace = new QueuedMail.Trace(
            required(message, MailProperties.INTAKE),
            Instant.ofEpochMilli(requiredLong(message, MailProperties.RECEIVED_AT)),
            message.getHeader(MailProperties.CLIENT_ADDRESS, String.class),
            message.getHeader(MailProperties.AUTH_USER, String.class));
        Integer attempts = message.getHeader(MailProperties.ATTEMPTS, 0, Integer.class);
        Long next = message.getHeader(MailProperties.NEXT_ATTEMPT_AT, Long.class);
        return new QueuedMail(id, new MailEnvelope(sender, recipients), content, trace, attempts,
            message.getHeader(MailProperties.LAST_ERROR, String.class),
            next == null ? null : Instant.ofEpochMilli(next));
    }

    /** The first Subject header, decoded (RFC 2047), control characters removed, at most 200 characters. */
    static String subject(byte[] content) {
        List<String> values = HeaderFields.values(content, "Subject");
        if (values.isEmpty()) {
            return "";
        }
        String decoded;
        try {
            decoded = MimeUtility.decodeText(values.get(0));
        } catch (UnsupportedEncodingException e) {
            decoded = values.get(0);
        }
        decoded = decoded.replaceAll("\\p{Cntrl}", " ").strip();
        return decoded.length() > 200 ? decoded.substring(0, 200) : decoded;
    }

    private static String required(Message message, String name) {
        String value = message.getHeader(name, String.class);
        if (value == null) {
            throw new IllegalArgumentException("queued message lacks property " + name);
        }
        return value;
    }

    private static long requiredLong(Message message, String name) {
        Long value = message.getHeader(name, Long.class);
        if (value == null) {
            throw new IllegalArgumentException("queued message lacks property " + name);
        }
        return value;
    }

    private static void putIfSet(Map<String, Object> properties, String name, String value) {
        if (value != null) {
            properties.put(name, value);
        }
    }
}
