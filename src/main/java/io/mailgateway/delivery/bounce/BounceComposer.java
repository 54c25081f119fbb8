package io.mailgateway.delivery.bounce;

import io.mailgateway.delivery.bounce.DeliveryNotice.Action;
import io.mailgateway.delivery.bounce.DeliveryNotice.Recipient;
import io.mailgateway.mail.HeaderFields;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Writes a delivery status notification (RFC 3464) as the final bytes that are queued and sent: a
 * {@code multipart/report; report-type=delivery-status} (RFC 6522) of
 * <ol>
 * <li>a {@code text/plain} explanation for the sender: which recipients, what their server replied, what to do;</li>
 * <li>the machine-readable {@code message/delivery-status}: Reporting-MTA, Arrival-Date, and per recipient
 *     Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code;</li>
 * <li>{@code text/rfc822-headers}: the original header section, never its body, at most
 *     {@value #MAX_ORIGINAL_HEADERS} bytes.</li>
 * </ol>
 * From {@code "Mail Delivery System" <MAILER-DAEMON@hostname>}, {@code Auto-Submitted: auto-replied}
 * (RFC 3834). Lines end in CRLF and stay under 998 octets; every part is 7bit, or quoted-printable when
 * it holds 8-bit text (a UTF-8 subject, raw 8-bit header bytes), so the result passes any relay as is.
 * Plain Java: the queue, the envelope and the null sender are the caller's business.
 */
public final class BounceComposer {

    /** The original header section is cut (at a field boundary) beyond this: a DSN stays small. */
    public static final int MAX_ORIGINAL_HEADERS = 64 * 1024;

    static final String FAILED_SUBJECT = "Undelivered Mail Returned to Sender";
    static final String DELAYED_SUBJECT = "Delayed Mail (still being retried)";

    private static final DateTimeFormatter RFC_5322_DATE =
        DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
    /** Diagnostic texts and subjects longer than this are cut: a report line, not a transcript. */
    private static final int MAX_TEXT = 900;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String hostname;
    private final ZoneId zone;

    public BounceComposer(String hostname) {
        this(hostname, ZoneId.systemDefault());
    }

    public BounceComposer(String hostname, ZoneId zone) {
        this.hostname = hostname;
        this.zone = zone;
    }

    /**
     * @param notice what to report
     * @param bounceId the queue id of the notification itself; its Message-ID is built from it
     * @param now the notification's Date and the recipients' Last-Attempt-Date
     * @return the complete message, CRLF line endings, ready to queue
     */
    public byte[] compose(DeliveryNotice notice, String bounceId, Instant now) {
        byte[] headers = bounded(notice.originalHeaders());
        byte[] text = explanation(notice, headers).getBytes(StandardCharsets.UTF_8);
        byte[] status = deliveryStatus(notice, now).getBytes(StandardCharsets.US_ASCII);
        String boundary = boundary(bounceId, text, status, headers);

        ByteArrayOutputStream out = new ByteArrayOutputStream(4096 + headers.length * 2);
        ascii(out, "Date: " + date(now) + "\r\n");
        ascii(out, "From: \"Mail Delivery System\" <MAILER-DAEMON@" + hostname + ">\r\n");
        // an SMTPUTF8 sender's address stays UTF-8 (RFC 6532); the transport then asks for SMTPUTF8
        out.writeBytes(("To: <" + notice.sender() + ">\r\n").getBytes(StandardCharsets.UTF_8));
        ascii(out, "Subject: " + (notice.action() == Action.FAILED ? FAILED_SUBJECT : DELAYED_SUBJECT) + "\r\n");
        ascii(out, "Message-ID: <" + bounceId.toLowerCase(Locale.ROOT) + "@" + hostname + ">\r\n");
        ascii(out, "Auto-Submitted: auto-replied\r\n");
        ascii(out, "MIME-Version: 1.0\r\n");
        ascii(out, "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" + boundary + "\"\r\n");
        ascii(out, "Content-Transfer-Encoding: 7bit\r\n");
        ascii(out, "\r\n");
        ascii(out, "This is a MIME-encapsulated delivery status notification (RFC 3464).\r\n");

        ascii(out, "\r\n--" + boundary + "\r\n");
        ascii(out, "Content-Description: Notification\r\n");
        textPart(out, text);

        ascii(out, "\r\n--" + boundary + "\r\n");
        ascii(out, "Content-Description: Delivery report\r\n");
        ascii(out, "Content-Type: message/delivery-status\r\n");
        ascii(out, "Content-Transfer-Encoding: 7bit\r\n");
        ascii(out, "\r\n");
        out.writeBytes(status);

        if (headers.length > 0) {
            ascii(out, "\r\n--" + boundary + "\r\n");
            ascii(out, "Content-Description: Undelivered message headers\r\n");
            headersPart(out, headers);
        }
        ascii(out, "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    // ---- part 1: plain words ---------------------------------------------------------------------------

    private String explanation(DeliveryNotice notice, byte[] headers) {
        StringBuilder text = new StringBuilder();
        paragraph(text, "", "This is the mail gateway at " + hostname + ".");
        String subject = originalSubject(headers);
        String which = "Your message" + (subject.isEmpty() ? "" : " \"" + subject + "\"")
            + " of " + date(notice.arrivalDate());
        if (notice.action() == Action.FAILED) {
            paragraph(text, "", which + " could not be delivered to the recipient(s) below. This is a permanent"
                + " error: the gateway has given up on them and will not try again.");
        } else {
            paragraph(text, "", which + " has not been delivered yet to the recipient(s) below. This is only a"
                + " warning: the gateway keeps trying" + (notice.retryUntil() == null ? "" : " until " + date(notice.retryUntil()))
                + ", and you do not need to send the message again. If it still cannot be delivered by then, you"
                + " will get another notice.");
        }
        boolean anyRefused = false;
        boolean anyExpired = false;
        for (Recipient recipient : notice.recipients()) {
            NextHopReply reply = NextHopReply.parse(recipient.reply());
            String what;
            if (recipient.expired()) {
                anyExpired = true;
                what = "Not delivered within the time mail is kept (" + notice.attempts()
                    + (notice.attempts() == 1 ? " attempt" : " attempts") + "). The last answer was:";
            } else if (notice.action() == Action.DELAYED) {
                what = "Not delivered yet. The last answer was:";
            } else {
                anyRefused = true;
                what = reply.smtpReply() != null ? "The receiving server refused it and said:" : "It could not be delivered:";
            }
            String from = reply.remoteMta() == null ? ""
                : " (" + reply.remoteMta() + (reply.command() == null ? "" : ", in reply to " + reply.command()) + ")";
            text.append('<').append(recipient.address()).append(">\r\n");
            paragraph(text, "    ", what);
            text.setLength(text.length() - 2); // the answer belongs to the line above it
            paragraph(text, "    ", printable(reply.text()) + from);
        }
        if (notice.action() == Action.FAILED) {
            text.append("What you can do:\r\n");
            if (anyRefused) {
                paragraph(text, "  ", "- Check each address above for typing mistakes; if one was wrong, send the"
                    + " message again to the right address.");
                paragraph(text, "  ", "- If an address is right, the server's answer above says why it refused the"
                    + " message; the recipient or their mail administrator can help.");
            }
            if (anyExpired) {
                paragraph(text, "  ", "- The recipient's mail server did not accept the message in time. It may be"
                    + " down for a while: send the message again later, or reach the recipient another way.");
            }
        }
        paragraph(text, "", "The header lines of your message are attached below; its text is not.");
        return text.toString();
    }

    /**
     * {@code words} wrapped at 76 columns, continuation lines indented by {@code indent} (the first line too,
     * unless it starts with "- "), then a blank line.
     */
    private static void paragraph(StringBuilder out, String indent, String words) {
        int lineStart = out.length();
        out.append(words.startsWith("- ") ? "" : indent);
        boolean first = true;
        for (String word : words.split(" ")) {
            if (!first && out.length() - lineStart + 1 + word.length() > 76) {
                out.append("\r\n");
                lineStart = out.length();
                out.append(indent);
            } else if (!first) {
                out.append(' ');
            }
            out.append(word);
            first = false;
        }
        out.append("\r\n\r\n");
    }

    /** The original Subject, decoded (RFC 2047), one line, at most 200 characters; "" when there is none. */
    private static String originalSubject(byte[] headers) {
        List<String> values = HeaderFields.values(headers, "Subject");
        if (values.isEmpty()) {
            return "";
        }
        String subject;
        try {
            subject = MimeUtility.decodeText(values.get(0));
        } catch (UnsupportedEncodingException | RuntimeException e) {
            subject = values.get(0);
        }
        subject = subject.replaceAll("\\p{Cntrl}", " ").strip();
        return subject.length() > 200 ? subject.substring(0, 200) + "..." : subject;
    }

    // ---- part 2: message/delivery-status (RFC 3464 §2) --------------------------------------------------

    private String deliveryStatus(DeliveryNotice notice, Instant now) {
        StringBuilder status = new StringBuilder();
        field(status, "Reporting-MTA", "dns; " + hostname);
        field(status, "X-Mail-Gateway-Queue-ID", notice.queueId());
        field(status, "Arrival-Date", date(notice.arrivalDate()));
        for (Recipient recipient : notice.recipients()) {
            NextHopReply reply = NextHopReply.parse(recipient.reply());
            status.append("\r\n");
            field(status, "Final-Recipient", addressField(recipient.address()));
            field(status, "Action", notice.action() == Action.FAILED ? "failed" : "delayed");
            field(status, "Status", status(notice.action(), recipient, reply));
            if (reply.remoteMta() != null) {
                field(status, "Remote-MTA", "dns; " + reply.remoteMta());
            }
            field(status, "Diagnostic-Code", reply.smtpReply() != null
                ? "smtp; " + reply.smtpReply()
                : "X-Mail-Gateway; " + reply.text());
            field(status, "Last-Attempt-Date", date(now));
            if (notice.action() == Action.DELAYED && notice.retryUntil() != null) {
                field(status, "Will-Retry-Until", date(notice.retryUntil()));
            }
        }
        return status.toString();
    }

    /**
     * The enhanced status code the next hop gave (RFC 3463), else one that matches the action: 5.0.0 for a
     * refusal, 4.4.7 ("delivery time expired") for mail given up after its lifetime, 4.0.0 for a delay.
     */
    static String status(Action action, Recipient recipient, NextHopReply reply) {
        if (reply.enhancedStatus() != null) {
            return reply.enhancedStatus();
        }
        if (recipient.expired()) {
            return "4.4.7";
        }
        return action == Action.FAILED ? "5.0.0" : "4.0.0";
    }

    /** RFC 3464 address-type: rfc822 for ASCII, utf-8 with \x{HEX} for anything else (RFC 6533 §3). */
    private static String addressField(String address) {
        StringBuilder escaped = new StringBuilder();
        boolean ascii = true;
        for (int i = 0; i < address.length(); ) {
            int c = address.codePointAt(i);
            i += Character.charCount(c);
            if (c > 0x7e || c < 0x21 || c == '\\') {
                ascii = false;
                escaped.append("\\x{").append(Integer.toHexString(c).toUpperCase(Locale.ROOT)).append('}');
            } else {
                escaped.appendCodePoint(c);
            }
        }
        return (ascii ? "rfc822; " : "utf-8; ") + escaped;
    }

    /** {@code Name: value} with CRLF, the value made printable ASCII and folded at spaces near 78 columns. */
    private static void field(StringBuilder out, String name, String value) {
        String line = name + ": " + printable(value);
        int lineStart = out.length();
        String[] words = line.split(" ");
        out.append(words[0]);
        for (int i = 1; i < words.length; i++) {
            if (out.length() - lineStart + 1 + words[i].length() > 78 && out.length() - lineStart > name.length() + 2) {
                out.append("\r\n");
                lineStart = out.length();
                out.append('\t').append(words[i]);
            } else {
                out.append(' ').append(words[i]);
            }
        }
        out.append("\r\n");
    }

    /** Printable ASCII only, one line, at most {@link #MAX_TEXT} characters: report fields are 7-bit text. */
    private static String printable(String s) {
        String clean = s.replaceAll("[\\r\\n\\t]+", " ").replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > MAX_TEXT ? clean.substring(0, MAX_TEXT) + "..." : clean;
    }

    // ---- part 3: text/rfc822-headers --------------------------------------------------------------------

    /** The header section up to {@link #MAX_ORIGINAL_HEADERS}, cut before the field that crosses it. */
    static byte[] bounded(byte[] headers) {
        if (headers.length <= MAX_ORIGINAL_HEADERS) {
            return headers;
        }
        int cut = 0;
        for (int i = 0; i + 2 < MAX_ORIGINAL_HEADERS; i++) {
            // a line start that is not a continuation line starts a field
            if (headers[i] == '\r' && headers[i + 1] == '\n' && headers[i + 2] != ' ' && headers[i + 2] != '\t') {
                cut = i + 2;
            }
        }
        byte[] bounded = new byte[cut];
        System.arraycopy(headers, 0, bounded, 0, cut);
        return bounded;
    }

    private static void headersPart(ByteArrayOutputStream out, byte[] headers) {
        ascii(out, "Content-Type: text/rfc822-headers" + (isSevenBitText(headers) ? "" : "; charset=utf-8") + "\r\n");
        if (isSevenBitText(headers)) {
            ascii(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
            out.writeBytes(headers);
        } else {
            // raw 8-bit bytes or overlong lines: quoted-printable keeps them exact and the part 7-bit
            ascii(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
            quotedPrintable(out, headers);
        }
        if (headers.length > 0 && headers[headers.length - 1] != '\n') {
            ascii(out, "\r\n");
        }
    }

    // ---- MIME helpers -----------------------------------------------------------------------------------

    private static void textPart(ByteArrayOutputStream out, byte[] bytes) {
        if (isSevenBitText(bytes)) {
            ascii(out, "Content-Type: text/plain; charset=us-ascii\r\n");
            ascii(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
            out.writeBytes(bytes);
        } else {
            ascii(out, "Content-Type: text/plain; charset=utf-8\r\n");
            ascii(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
            quotedPrintable(out, bytes);
        }
    }

    /** 7bit per RFC 2045 §2.7: no NUL, no 8-bit byte, CR and LF only as CRLF, lines of at most 998 octets. */
    static boolean isSevenBitText(byte[] bytes) {
        int lineLength = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\r') {
                if (i + 1 >= bytes.length || bytes[i + 1] != '\n') {
                    return false;
                }
                i++;
                lineLength = 0;
            } else if (b == '\n' || b == 0 || b < 0) {
                return false;
            } else if (++lineLength > 998) {
                return false;
            }
        }
        return true;
    }

    /** Jakarta Mail's encoder: CRLF stays a line break, long lines get soft breaks, 8-bit bytes become =XX. */
    private static void quotedPrintable(ByteArrayOutputStream out, byte[] bytes) {
        try (OutputStream qp = MimeUtility.encode(new NonClosing(out), "quoted-printable")) {
            qp.write(bytes);
        } catch (MessagingException e) {
            throw new IllegalStateException("quoted-printable encoder unavailable", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /**
     * "=_" never occurs in quoted-printable text, and the random part cannot be guessed by whoever wrote the
     * original headers; still, a boundary must not occur in any part (RFC 2046 §5.1.1), so that is checked.
     */
    private static String boundary(String bounceId, byte[]... parts) {
        while (true) {
            String boundary = "=_" + bounceId + "." + Long.toHexString(RANDOM.nextLong());
            byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
            boolean clash = false;
            for (byte[] part : parts) {
                clash |= indexOf(part, delimiter) >= 0;
            }
            if (!clash) {
                return boundary;
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private String date(Instant instant) {
        return RFC_5322_DATE.format(ZonedDateTime.ofInstant(instant, zone));
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
