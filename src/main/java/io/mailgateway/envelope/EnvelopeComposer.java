package io.mailgateway.envelope;

import io.mailgateway.mail.ContentTypes;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.MailSpool;
import io.mailgateway.mail.RejectedMailException;
import io.mailgateway.mail.SubmittedMail;
import jakarta.activation.DataSource;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an {@link EnvelopeDocument} into a {@link SubmittedMail}: the RFC 5322 message (CRLF line endings) and
 * the SMTP envelope (sender = from, recipients = to + cc + bcc, de-duplicated ignoring case, in order).
 *
 * <p>Contract:
 * <ul>
 *   <li>every value is checked again, so a document built in code is as safe as one read by
 *       {@link EnvelopeReader}: addresses are single plain addr-specs, and no control character (CR, LF, TAB,
 *       NUL...) in a subject, display name, address, header value or idempotency key ever reaches a header;</li>
 *   <li>Bcc recipients are envelope recipients only, never written into the message;</li>
 *   <li>no Message-ID: the intake stamp adds it ({@code io.mailgateway.mail.IntakeStamp}), once, so that it
 *       stays stable across retries; Date is the time of composition;</li>
 *   <li>attachment files are reached only through the given {@link AttachmentResolver} and are returned as
 *       {@link SubmittedMail#companionFiles()};</li>
 *   <li>text and html bodies are UTF-8 with their line endings made CRLF; attachments are base64.</li>
 * </ul>
 *
 * <p>Thread-safe: share one instance.
 */
public final class EnvelopeComposer {

    /** Default limit on the composed message: above what most smart hosts accept (25 to 35 MB). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private static final Pattern HEADER_NAME = Pattern.compile("X-[A-Za-z0-9-]+");
    private static final int MAX_HEADER_NAME = 76;
    private static final int MAX_LINE = 998; // RFC 5322 §2.1.1
    private static final int MAX_DISPLAY_NAME = 256;
    private static final int MAX_IDEMPOTENCY_KEY = 200;
    private static final int MAX_FILE_NAME = 255;
    private static final String TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+"; // RFC 2045 §5.1 token
    private static final Pattern CONTENT_TYPE = Pattern.compile(TOKEN + "/" + TOKEN);
    private static final Pattern XML_WHITESPACE = Pattern.compile("[ \\t\\r\\n]+");
    private static final Pattern LINE_BREAK = Pattern.compile("\\r\\n|\\r|\\n");

    private final int maxMessageBytes;
    private final MailSpool spool;
    private final Session session;

    /**
     * A composer with the {@linkplain #DEFAULT_MAX_MESSAGE_BYTES default message size limit}.
     *
     * @param spool where a large message is written (attachment files are streamed into it), so that it is
     *              never held in memory
     */
    public EnvelopeComposer(MailSpool spool) {
        this(DEFAULT_MAX_MESSAGE_BYTES, spool);
    }

    /** A composer that refuses messages larger than {@code maxMessageBytes} once encoded. */
    public EnvelopeComposer(int maxMessageBytes, MailSpool spool) {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.spool = spool;
        // a private session: never the JVM-wide default one another component may have configured
        this.session = Session.getInstance(new Properties());
    }

    /**
     * Builds the message and its envelope.
     *
     * @param attachments resolves {@code <attachment file="...">}; the only way a file is reached
     * @param maxRecipients the most distinct envelope recipients allowed
     * @throws RejectedMailException when the document can never become a mail; the message says which value
     *     and why
     * @throws UncheckedIOException when a resolved attachment file cannot be read (possibly transient)
     * @return the mail; its content may be a spool file, which the caller closes once the mail is queued
     */
    public SubmittedMail compose(EnvelopeDocument doc, AttachmentResolver attachments, int maxRecipients)
        throws RejectedMailException {
        if (maxRecipients < 1) {
            throw new IllegalArgumentException("maxRecipients must be positive: " + maxRecipients);
        }
        InternetAddress from = mailbox("from", doc.getFrom());
        InternetAddress replyTo = doc.getReplyTo() == null ? null : mailbox("replyTo", doc.getReplyTo());
        List<InternetAddress> to = mailboxes("to", doc.getTo());
        List<InternetAddress> cc = mailboxes("cc", doc.getCc());
        List<InternetAddress> bcc = mailboxes("bcc", doc.getBcc());
        List<String> recipients = distinctAddresses(to, cc, bcc);
        if (recipients.isEmpty()) {
            throw new RejectedMailException("no recipients: add at least one <to>");
        }
        if (recipients.size() > maxRecipients) {
            throw new RejectedMailException(recipients.size() + " recipients, at most " + maxRecipients + " allowed");
        }
        String subject = doc.getSubject();
        if (subject == null) {
            throw new RejectedMailException("subject is missing (an empty <subject/> is fine)");
        }
        requireLine("subject", subject, MAX_LINE);
        String idempotencyKey = doc.getIdempotencyKey();
        if (idempotencyKey != null) {
            if (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY) {
                throw new RejectedMailException("idempotencyKey must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters");
            }
            requireLine("idempotencyKey", idempotencyKey, MAX_IDEMPOTENCY_KEY);
        }
        List<EnvelopeHeader> headers = doc.getHeaders();
        for (EnvelopeHeader header : headers) {
            checkHeader(header);
        }
        String text = emptyToNull(doc.getText());
        String html = emptyToNull(doc.getHtml());
        if (text == null && html == null && doc.getAttachments().isEmpty()) {
            throw new RejectedMailException("empty message: no text, no html and no attachment");
        }
        Set<Path> companionFiles = new LinkedHashSet<>();
        List<MimeBodyPart> attachmentParts = new ArrayList<>();
        for (int i = 0; i < doc.getAttachments().size(); i++) {
            attachmentParts.add(attachmentPart(i + 1, doc.getAttachments().get(i), attachments, companionFiles));
        }

        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            if (replyTo != null) {
                message.setReplyTo(new InternetAddress[] {replyTo});
            }
            message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
            if (!cc.isEmpty()) {
                message.setRecipients(Message.RecipientType.CC, cc.toArray(InternetAddress[]::new));
            }
            // bcc: deliberately not set; they are envelope recipients only
            message.setSubject(subject, "UTF-8");
            for (EnvelopeHeader header : headers) {
                String value = header.getValue() == null ? "" : header.getValue();
                message.addHeader(header.getName(),
                    MimeUtility.fold(header.getName().length() + 2, MimeUtility.encodeText(value, "UTF-8", null)));
            }
            setBody(message, text, html, attachmentParts);
            message.saveChanges();
            // the gateway assigns the Message-ID once, at intake, so that it stays stable across retries
            message.removeHeader("Message-ID");

            MailSpool.Output spooled = spool.output();
            try {
                message.writeTo(new BoundedOutput(spooled, maxMessageBytes));
                MailEnvelope envelope = new MailEnvelope(from.getAddress(), recipients);
                return new SubmittedMail(envelope, spooled.toContent(), idempotencyKey, List.copyOf(companionFiles));
            } finally {
                spooled.discard();
            }
        } catch (MessageTooLarge e) {
            throw new RejectedMailException("message larger than " + maxMessageBytes + " bytes");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read an attachment: " + e.getMessage(), e);
        } catch (MessagingException e) {
            MessageTooLarge tooLarge = cause(e, MessageTooLarge.class);
            if (tooLarge != null) {
                throw new RejectedMailException("message larger than " + maxMessageBytes + " bytes");
            }
            IOException io = cause(e, IOException.class);
            if (io != null) {
                throw new UncheckedIOException("could not read an attachment: " + io.getMessage(), io);
            }
            throw new RejectedMailException("cannot build the message: " + e.getMessage(), e);
        }
    }

    private static void setBody(MimeMessage message, String text, String html, List<MimeBodyPart> attachmentParts)
        throws MessagingException {
        if (attachmentParts.isEmpty()) {
            if (html == null) {
                message.setText(crlf(text), "UTF-8");
            } else if (text == null) {
                message.setText(crlf(html), "UTF-8", "html");
            } else {
                message.setContent(alternative(text, html));
            }
            return;
        }
        MimeMultipart mixed = new MimeMultipart("mixed");
        if (text != null && html != null) {
            MimeBodyPart wrapper = new MimeBodyPart();
            wrapper.setContent(alternative(text, html));
            mixed.addBodyPart(wrapper);
        } else if (text != null) {
            mixed.addBodyPart(textPart(text, "plain"));
        } else if (html != null) {
            mixed.addBodyPart(textPart(html, "html"));
        }
        for (MimeBodyPart part : attachmentParts) {
            mixed.addBodyPart(part);
        }
        message.setContent(mixed);
    }

    private static MimeMultipart alternative(String text, String html) throws MessagingException {
        // RFC 2046 §5.1.4: least faithful first, the html the client should prefer last
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(textPart(text, "plain"));
        alternative.addBodyPart(textPart(html, "html"));
        return alternative;
    }

    private static MimeBodyPart textPart(String content, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(crlf(content), "UTF-8", subtype);
        return part;
    }

    /** Bare CR or LF in DATA is what SMTP smuggling feeds on; the queued bytes use CRLF only. */
    private static String crlf(String s) {
        return LINE_BREAK.matcher(s).replaceAll("\r\n");
    }

    private MimeBodyPart attachmentPart(int index, EnvelopeAttachment attachment, AttachmentResolver resolver,
        Set<Path> companionFiles) throws RejectedMailException {
        String file = attachment.getFile();
        String name = attachment.getName();
        boolean hasContent = attachment.getContent() != null && !attachment.getContent().isBlank();
        String label = file != null ? "attachment '" + Printable.shown(file) + "'"
            : name != null ? "attachment '" + Printable.shown(name) + "'" : "attachment #" + index;
        if (file != null && (name != null || hasContent)) {
            throw new RejectedMailException(label + ": give either file or name with inline content, not both");
        }
        if (file == null && name == null) {
            throw new RejectedMailException(label + ": needs a file attribute or a name attribute with inline content");
        }
        String contentType = attachment.getContentType();
        if (contentType != null && !CONTENT_TYPE.matcher(contentType).matches()) {
            throw new RejectedMailException(label + ": content type '" + Printable.shown(contentType)
                + "' is not of the form type/subtype");
        }

        DataSource source;
        String fileName;
        if (file != null) {
            Path path = resolver.resolve(file);
            fileName = path.getFileName().toString();
            companionFiles.add(path);
            source = AttachmentParts.file(path, contentType(contentType, fileName), fileName);
        } else {
            requireLine(label + " name", name, MAX_FILE_NAME);
            if (name.isBlank() || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
                throw new RejectedMailException(label + ": the name must be a plain file name, without folders");
            }
            fileName = name;
            byte[] bytes = decodeBase64(label, attachment.getContent());
            ByteArrayDataSource inline = new ByteArrayDataSource(bytes, contentType(contentType, fileName));
            inline.setName(fileName);
            source = inline;
        }
        try {
            return AttachmentParts.part(source, fileName);
        } catch (MessagingException e) {
            throw new RejectedMailException(label + ": " + e.getMessage(), e);
        }
    }

    private static String contentType(String given, String fileName) {
        if (given != null) {
            return given.toLowerCase(Locale.ROOT);
        }
        return ContentTypes.forFileName(fileName);
    }

    /** RFC 4648 base64 with padding; only XML whitespace may separate the characters. */
    private static byte[] decodeBase64(String label, String content) throws RejectedMailException {
        String compact = content == null ? "" : XML_WHITESPACE.matcher(content).replaceAll("");
        if (compact.length() % 4 != 0) {
            throw new RejectedMailException(label + ": content is not valid base64 (length " + compact.length()
                + " is not a multiple of 4)");
        }
        try {
            return Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw new RejectedMailException(label + ": content is not valid base64 (" + e.getMessage() + ")");
        }
    }

    private static List<InternetAddress> mailboxes(String field, List<EnvelopeMailbox> boxes)
        throws RejectedMailException {
        List<InternetAddress> result = new ArrayList<>(boxes.size());
        for (EnvelopeMailbox box : boxes) {
            result.add(mailbox(field, box));
        }
        return result;
    }

    /** One plain addr-spec as element text, the display name only from the name attribute. */
    private static InternetAddress mailbox(String field, EnvelopeMailbox box) throws RejectedMailException {
        if (box == null || box.getAddress() == null || box.getAddress().isEmpty()) {
            throw new RejectedMailException(field + ": the address is missing");
        }
        String address = box.getAddress();
        String shown = field + " address '" + Printable.shown(address) + "'";
        if (Printable.hasControl(address)) {
            throw new RejectedMailException(shown + " contains a line break or control character");
        }
        if (address.length() > 320) {
            throw new RejectedMailException(shown + " is longer than 320 characters");
        }
        InternetAddress parsed;
        try {
            parsed = new InternetAddress(address, true);
        } catch (AddressException e) {
            throw new RejectedMailException(shown + " is not a valid address: " + e.getMessage());
        }
        // equal only for a bare addr-spec: a display name, <brackets>, a comment, a group or spaces change it
        if (parsed.isGroup() || parsed.getPersonal() != null || !address.equals(parsed.getAddress())) {
            throw new RejectedMailException(shown + " must be a plain address such as user@example.com"
                + " (put a display name in the name attribute)");
        }
        if (address.indexOf('@') < 1) {
            throw new RejectedMailException(shown + " has no domain");
        }
        String name = box.getName();
        if (name == null || name.isEmpty()) {
            return parsed;
        }
        requireLine(field + " name", name, MAX_DISPLAY_NAME);
        try {
            return new InternetAddress(address, name, "UTF-8");
        } catch (IOException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    private static List<String> distinctAddresses(List<InternetAddress> to, List<InternetAddress> cc,
        List<InternetAddress> bcc) {
        // RFC 5321 §2.4: the local part may be case-sensitive, but no real mailbox differs only in case, and a
        // duplicate RCPT TO would deliver twice
        Map<String, String> distinct = new LinkedHashMap<>();
        for (List<InternetAddress> list : List.of(to, cc, bcc)) {
            for (InternetAddress address : list) {
                distinct.putIfAbsent(address.getAddress().toLowerCase(Locale.ROOT), address.getAddress());
            }
        }
        return List.copyOf(distinct.values());
    }

    private static void checkHeader(EnvelopeHeader header) throws RejectedMailException {
        String name = header.getName();
        if (name == null || name.length() > MAX_HEADER_NAME || !HEADER_NAME.matcher(name).matches()) {
            throw new RejectedMailException("header name '" + Printable.shown(String.valueOf(name))
                + "' is not allowed: custom headers must match X-[A-Za-z0-9-]+");
        }
        if (header.getValue() != null) {
            requireLine("header " + name, header.getValue(), MAX_LINE);
        }
    }

    /** A value bound for a header: one line, no control character, at most {@code max} characters. */
    private static void requireLine(String what, String value, int max) throws RejectedMailException {
        if (Printable.hasControl(value)) {
            throw new RejectedMailException(what + " '" + Printable.shown(value)
                + "' contains a line break or control character");
        }
        if (value.length() > max) {
            throw new RejectedMailException(what + " is longer than " + max + " characters");
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static final class MessageTooLarge extends IOException {
        MessageTooLarge() {
            super("message too large", null);
        }
    }

    /** Stops writing at the limit instead of filling the disk (or memory) with a huge attachment file. */
    private static final class BoundedOutput extends OutputStream {
        private final MailSpool.Output out;
        private final int limit;

        BoundedOutput(MailSpool.Output out, int limit) {
            this.out = out;
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            ensure(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ensure(len);
            out.write(b, off, len);
        }

        private void ensure(int more) throws MessageTooLarge {
            if (out.size() + more > limit) {
                throw new MessageTooLarge();
            }
        }
    }
}
