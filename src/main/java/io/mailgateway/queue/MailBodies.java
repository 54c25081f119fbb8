package io.mailgateway.queue;

import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailSpool;
import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * How a mail's bytes go into a broker message and come out of one without being held in the heap: small
 * mails as a byte array, large ones streamed. Artemis stores a message over its min-large-message-size
 * ({@link #MIN_LARGE_MESSAGE_SIZE} here) as a "large message", a file of its own next to the journal, and its JMS
 * client can send one
 * from an {@link InputStream} ({@value #INPUT_STREAM}) and receive one into an {@link OutputStream}
 * ({@value #SAVE_STREAM}, which waits until the last byte is written), 100 KiB at a time.
 */
public final class MailBodies {

    /**
     * Above this a mail is streamed; up to it, it is a byte array and a record in the journal. The same as
     * the intake's in-memory limit ({@link io.mailgateway.mail.MailSpool#DEFAULT_MEMORY_LIMIT}): a mail the
     * intake held in memory anyway goes as one array. Not Artemis's default of 100 KiB: a large message is a
     * file created, synced and deleted per mail, and with that threshold a 100 KB mail (a scanned page, a PDF
     * report) was delivered at a third of Postfix's rate (README, Performance); in the journal, concurrent
     * mails share one sync.
     */
    public static final long STREAM_ABOVE = 256 * 1024;

    /**
     * The connection factories' minLargeMessageSize: a message whose encoded size (body plus the queued
     * mail's properties) reaches this is made a large message by the client. Above {@link #STREAM_ABOVE}
     * by room for the properties, so a byte-array mail stays a journal record; below the journal's
     * buffer (journal-buffer-size, 490 KiB by default for NIO), which must hold a whole record.
     */
    public static final int MIN_LARGE_MESSAGE_SIZE = 320 * 1024;

    /** Artemis JMS: on a message to send, the stream its body is read from (and closed) during the send. */
    static final String INPUT_STREAM = "JMS_AMQ_InputStream";

    /** Artemis JMS: on a received message, writes the whole body to the stream, blocking until done. */
    static final String SAVE_STREAM = "JMS_AMQ_SaveStream";

    private MailBodies() {
    }

    /**
     * Sends {@code content} with {@code properties} to {@code queue}, persistent, on {@code session} (so it
     * commits with whatever else the session does). For a large mail the body is streamed from the content
     * while the send runs; the send returns once the broker has the last byte.
     */
    public static void send(Session session, String queue, MailContent content, Map<String, Object> properties)
            throws JMSException, IOException {
        BytesMessage message = session.createBytesMessage();
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            message.setObjectProperty(property.getKey(), property.getValue());
        }
        // a cached producer (CachingConnectionFactory): no producer is created per message
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        try (InputStream body = content.size() > STREAM_ABOVE ? content.open() : null) {
            if (body != null) {
                message.setObjectProperty(INPUT_STREAM, body);
            } else {
                message.writeBytes(content.bytes());
            }
            producer.send(message, DeliveryMode.PERSISTENT, Message.DEFAULT_PRIORITY, 0);
        } finally {
            producer.close();
        }
    }

    /**
     * The body of a received queued mail: in memory when small, else streamed into a spool file. The caller
     * closes the content (which deletes the spool file) when done with it.
     *
     * @throws IllegalArgumentException when the message is not a bytes message, so not a queued mail
     */
    public static MailContent read(Message message, MailSpool spool) throws JMSException, IOException {
        BytesMessage bytes = bytesMessage(message);
        long length = bytes.getBodyLength();
        if (length <= STREAM_ABOVE) {
            byte[] content = new byte[(int) length];
            bytes.readBytes(content);
            return MailContent.of(content);
        }
        MailSpool.Output out = spool.output();
        try {
            bytes.setObjectProperty(SAVE_STREAM, out);
            if (out.size() != length) {
                throw new IOException("received " + out.size() + " of " + length + " bytes");
            }
            return out.toContent();
        } finally {
            out.discard();
        }
    }

    /** Writes the body of a received queued mail to {@code out}, streamed; {@code out} stays open. */
    public static void writeTo(Message message, OutputStream out) throws JMSException, IOException {
        BytesMessage bytes = bytesMessage(message);
        long length = bytes.getBodyLength();
        if (length <= STREAM_ABOVE) {
            byte[] content = new byte[(int) length];
            bytes.readBytes(content);
            out.write(content);
            return;
        }
        // Artemis closes the stream it saved to; the caller's stream is not its to close
        bytes.setObjectProperty(SAVE_STREAM, new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        });
    }

    private static BytesMessage bytesMessage(Message message) {
        if (!(message instanceof BytesMessage bytes)) {
            throw new IllegalArgumentException("not a queued mail: " + message.getClass().getSimpleName()
                + " instead of a bytes message");
        }
        return bytes;
    }
}
