package io.mailgateway.pickup;

import io.mailgateway.config.GatewayProperties.ReportRule;
import io.mailgateway.envelope.AttachmentParts;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Turns a report file (a PDF, CSV... that a rule matches) into one mail to the rule's recipients with the
 * file attached. The rule's templates may use {file}, {date} and {time}. The file is streamed into the
 * base64 attachment in the spool, so a 50 MB report (about 68 MB once encoded) is never held in memory.
 */
public final class ReportMailComposer {

    private static final Session SESSION = Session.getInstance(new Properties());
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");
    private static final Pattern LINE_BREAK = Pattern.compile("\\r\\n|\\r|\\n");

    private ReportMailComposer() {
    }

    /**
     * @param digest when not null, every byte of {@code file} goes through it while the file is streamed into
     *               the attachment, so that the pickup intake has the file's hash without reading it once more
     * @return the mail; its content is in {@code spool} and must be closed by the caller once queued
     * @throws IOException when the file or the spool cannot be read or written (possibly transient)
     */
    public static SubmittedMail compose(ReportRule rule, Path file, LocalDateTime now, MailSpool spool,
                                        MessageDigest digest) throws RejectedMailException, IOException {
        String fileName = file.getFileName().toString();
        if (fileName.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new RejectedMailException("file name contains control characters");
        }
        try {
            InternetAddress from = address(rule.getFrom(), "from");
            List<InternetAddress> to = addresses(rule.getTo(), "to");
            List<InternetAddress> cc = addresses(rule.getCc(), "cc");

            MimeMessage message = new MimeMessage(SESSION);
            message.setFrom(from);
            message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
            if (!cc.isEmpty()) {
                message.setRecipients(Message.RecipientType.CC, cc.toArray(InternetAddress[]::new));
            }
            // the subject is one line in a header, whatever is configured
            message.setSubject(LINE_BREAKS.matcher(fill(rule.getSubject(), fileName, now)).replaceAll(" "),
                StandardCharsets.UTF_8.name());

            MimeBodyPart text = new MimeBodyPart();
            // the body keeps its lines, as CRLF: a bare CR or LF must not reach DATA
            text.setText(LINE_BREAK.matcher(fill(rule.getBody(), fileName, now)).replaceAll("\r\n"),
                StandardCharsets.UTF_8.name());
            DataSource source = AttachmentParts.file(file, ContentTypes.forFileName(fileName), fileName);
            MimeBodyPart attachment = AttachmentParts.part(digest == null ? source : new DigestingSource(source, digest),
                MimeUtility.encodeText(fileName, StandardCharsets.UTF_8.name(), null));
            MimeMultipart mixed = new MimeMultipart("mixed");
            mixed.addBodyPart(text);
            mixed.addBodyPart(attachment);
            message.setContent(mixed);
            message.saveChanges();
            message.removeHeader("Message-ID"); // the gateway gives it one with its queue id

            LinkedHashSet<String> recipients = new LinkedHashSet<>();
            to.forEach(a -> recipients.add(a.getAddress()));
            cc.forEach(a -> recipients.add(a.getAddress()));
            MailSpool.Output out = spool.output();
            try {
                message.writeTo(out);
                return new SubmittedMail(new MailEnvelope(from.getAddress(), new ArrayList<>(recipients)),
                    out.toContent(), null, List.of());
            } finally {
                out.discard();
            }
        } catch (MessagingException e) {
            IOException io = ioCause(e);
            if (io != null) {
                throw io; // the file or the spool, not the rule: leave the file in place and try again
            }
            throw new RejectedMailException("cannot build the report mail for " + fileName + ": " + e.getMessage(), e);
        }
    }

    /**
     * The report file's bytes, each also fed to {@code digest}. Every open starts the digest afresh, so it holds
     * the hash of the last complete read: the one that wrote the attachment.
     */
    private record DigestingSource(DataSource file, MessageDigest digest) implements DataSource {
        @Override
        public InputStream getInputStream() throws IOException {
            digest.reset();
            return new DigestInputStream(file.getInputStream(), digest);
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return file.getOutputStream();
        }

        @Override
        public String getContentType() {
            return file.getContentType();
        }

        @Override
        public String getName() {
            return file.getName();
        }
    }

    private static IOException ioCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private static String fill(String template, String fileName, LocalDateTime now) {
        return template
            .replace("{file}", fileName)
            .replace("{date}", now.format(DateTimeFormatter.ISO_LOCAL_DATE))
            .replace("{time}", now.format(TIME));
    }

    private static InternetAddress address(String value, String what) throws RejectedMailException {
        try {
            InternetAddress address = new InternetAddress(value, true);
            address.validate();
            return address;
        } catch (AddressException e) {
            throw new RejectedMailException("report rule " + what + " address '" + value + "' is invalid: " + e.getMessage());
        }
    }

    private static List<InternetAddress> addresses(List<String> values, String what) throws RejectedMailException {
        List<InternetAddress> result = new ArrayList<>();
        for (String value : values) {
            result.add(address(value.trim(), what));
        }
        return result;
    }
}
