package io.mailgateway.pickup;

import io.mailgateway.mail.HeaderFields;
import io.mailgateway.mail.HeaderSection;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.RejectedMailException;
import io.mailgateway.mail.SubmittedMail;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a pickup-folder {@code .eml} file, the Windows IIS "pickup directory" convention: a complete
 * RFC 5322 message, optionally preceded by {@code X-Sender} / {@code X-Receiver} fields that carry the
 * envelope.
 *
 * <p>Contract of {@link #read}:
 * <ul>
 *   <li>only the header section is read into memory; the body is streamed from the file when the mail is
 *       queued, so a 50 MB file is never held in the heap (a header section longer than
 *       {@link MailContent#HEAD_LIMIT} is rejected);</li>
 *   <li>line endings are canonicalised to CRLF ({@link HeaderFields#toCrlf}; the body while it is streamed);
 *       a header section that mixes styles is rejected, because a lone CR or LF inside a CRLF header is a
 *       header injection;</li>
 *   <li>envelope sender: the single address in {@code X-Sender} (exactly one such field; {@code <>} is the
 *       null sender), else the first {@code Sender} address, else the first {@code From} address;</li>
 *   <li>envelope recipients: one address per {@code X-Receiver} field when there is any, else every address
 *       in To, Cc and Bcc (group members included, {@code Resent-*} ignored); deduplicated case-insensitively,
 *       first spelling and order kept; at most {@code maxRecipients};</li>
 *   <li>content: the canonical bytes without {@code X-Sender}, {@code X-Receiver} and {@code Bcc} (folded
 *       lines included); every other byte, the body always, unchanged. Bcc goes even when X-Receiver made
 *       the envelope: left in, it would show every recipient the hidden ones. The content reads the body from
 *       {@code file}, which must stay as it is until the mail is queued;</li>
 *   <li>no idempotency key, no companion files.</li>
 * </ul>
 * Anything else is a {@link RejectedMailException} whose message starts with the file name and says what
 * to fix. Stateless and thread-safe.
 */
public final class EmlReader {

    /** Removed from the delivered bytes: the IIS envelope fields, and Bcc (RFC 5322 §3.6.3). */
    private static final Set<String> REMOVED_FIELDS = Set.of("X-Sender", "X-Receiver", "Bcc");

    /**
     * Reads one pickup file.
     *
     * @param file the file exactly as it is on disk ({@link MailContent#ofFile})
     * @param fileName the file's name, used in rejection messages only
     * @param maxRecipients the most distinct envelope recipients one file may have, at least 1
     * @return the envelope and the message bytes to queue
     * @throws RejectedMailException when the file can never become a mail; retrying does not help
     * @throws UncheckedIOException when the file cannot be read (possibly transient)
     */
    public SubmittedMail read(MailContent file, String fileName, int maxRecipients) throws RejectedMailException {
        return read(file, fileName, maxRecipients, null);
    }

    /**
     * {@link #read(MailContent, String, int)}, and every byte of {@code file} also goes through
     * {@code digest} (when not null) during the one pass that checks the whole file, so that the pickup
     * intake has the file's hash without reading it once more.
     */
    SubmittedMail read(MailContent file, String fileName, int maxRecipients, MessageDigest digest)
            throws RejectedMailException {
        Objects.requireNonNull(file, "file");
        if (maxRecipients < 1) {
            throw new IllegalArgumentException("maxRecipients must be at least 1, was " + maxRecipients);
        }
        try {
            return parse(file, maxRecipients, digest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + fileName + ": " + e.getMessage(), e);
        } catch (RejectedMailException e) {
            // the helpers say what is wrong; the operator also needs to know which file
            throw new RejectedMailException(EmlAddresses.quoted(String.valueOf(fileName)) + ": " + e.getMessage(), e);
        }
    }

    private static SubmittedMail parse(MailContent file, int maxRecipients, MessageDigest digest)
            throws RejectedMailException, IOException {
        EmlFormatCheck.Scan scan;
        try (InputStream in = digest == null ? file.open() : new DigestInputStream(file.open(), digest)) {
            scan = EmlFormatCheck.scan(in);
        }
        EmlFormatCheck.checkContent(scan);
        long headerLength = scan.headerLength() < 0 ? scan.size() : scan.headerLength();
        if (headerLength > MailContent.HEAD_LIMIT) {
            throw new RejectedMailException("no empty line within the first " + MailContent.HEAD_LIMIT
                + " bytes: a header section that long is not a mail (is the empty line before the body missing?)");
        }
        byte[] rawHeader;
        try (InputStream in = file.open()) {
            rawHeader = in.readNBytes((int) headerLength);
        }
        byte[] header = HeaderFields.toCrlf(rawHeader);
        int headerEnd = HeaderSection.end(header);
        if (headerEnd == 0) {
            throw EmlFormatCheck.noHeaderSection(rawHeader);
        }
        EmlFormatCheck.checkConsistentHeaderLineEndings(rawHeader);
        EmlFormatCheck.checkHeaderLines(header, headerEnd);

        MailEnvelope envelope = new MailEnvelope(sender(header), recipients(header, maxRecipients));
        // the body stays in the file: streamed, with CRLF made where the file has lone CRs or LFs
        long bodyLength = scan.size() - headerLength;
        long bodyLoneLineEndings = scan.loneLineEndings() - (header.length - rawHeader.length);
        MailContent body = file.slice(headerLength, bodyLength);
        if (bodyLoneLineEndings > 0) {
            body = MailContent.withCrlf(body, bodyLength + bodyLoneLineEndings);
        }
        MailContent content = MailContent.concat(MailContent.of(HeaderFields.remove(header, REMOVED_FIELDS)), body);
        return new SubmittedMail(envelope, content, null, List.of());
    }

    private static String sender(byte[] message) throws RejectedMailException {
        List<String> xSender = HeaderFields.values(message, "X-Sender");
        if (xSender.size() > 1) {
            throw new RejectedMailException(xSender.size() + " X-Sender fields; the envelope has exactly one sender");
        }
        if (xSender.size() == 1) {
            return EmlAddresses.single("X-Sender", xSender.get(0), true);
        }
        for (String field : List.of("Sender", "From")) {
            for (String value : HeaderFields.values(message, field)) {
                List<String> addresses = EmlAddresses.fromAddressList(field, value);
                if (!addresses.isEmpty()) {
                    return addresses.get(0);
                }
            }
        }
        throw new RejectedMailException("no sender: no X-Sender, Sender or From address");
    }

    private static List<String> recipients(byte[] message, int maxRecipients) throws RejectedMailException {
        List<String> found = new ArrayList<>();
        List<String> xReceivers = HeaderFields.values(message, "X-Receiver");
        if (!xReceivers.isEmpty()) {
            for (String value : xReceivers) {
                found.add(EmlAddresses.single("X-Receiver", value, false));
            }
        } else {
            for (String field : List.of("To", "Cc", "Bcc")) {
                for (String value : HeaderFields.values(message, field)) {
                    found.addAll(EmlAddresses.fromAddressList(field, value));
                }
            }
        }
        Map<String, String> distinct = new LinkedHashMap<>();
        for (String address : found) {
            distinct.putIfAbsent(address.toLowerCase(Locale.ROOT), address);
        }
        if (distinct.isEmpty()) {
            throw new RejectedMailException("no recipients: no X-Receiver, To, Cc or Bcc");
        }
        if (distinct.size() > maxRecipients) {
            throw new RejectedMailException(distinct.size() + " recipients; at most " + maxRecipients
                + " are allowed per message");
        }
        return List.copyOf(distinct.values());
    }
}
