package io.mailgateway.mail;

import java.nio.charset.StandardCharsets;

/**
 * Reads and extends the header section of raw RFC 5322 bytes without parsing or re-serialising the rest:
 * the body is neither read nor copied. Used at intake to add trace headers and the headers RFC 5322 §3.6
 * requires (Date, Message-ID) when a client left them out.
 */
public final class HeaderSection {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private HeaderSection() {
    }

    /**
     * Index where the header section ends: the start of the blank line that separates it from the body,
     * the length when there is no blank line, and 0 when the message does not begin with a header field
     * at all (a script's bare "DATA" text is all body).
     */
    public static int end(byte[] message) {
        if (!startsWithHeaderField(message)) {
            return 0;
        }
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == CR && message[i + 1] == LF && message[i + 2] == CR && message[i + 3] == LF) {
                return i + 2;
            }
        }
        return message.length;
    }

    /** Whether the first line is a header field: a name of printable characters, then a colon (RFC 5322 §2.2). */
    static boolean startsWithHeaderField(byte[] message) {
        return HeaderFields.colonAfterFieldName(message, 0, message.length) >= 0;
    }

    /** Whether a header field with this name (case-insensitive) starts a line in the header section. */
    public static boolean has(byte[] message, String name) {
        return !HeaderFields.values(message, name).isEmpty();
    }

    /**
     * {@code message} with {@code fields} (complete header lines, each ending in CRLF) in front, without
     * copying the message: the result reads the fields, then the message's own bytes. Trace headers go on top
     * (RFC 5321 §4.4), so prepending is right for Received and harmless for the rest.
     */
    public static MailContent prepend(MailContent message, String fields) {
        return MailContent.concat(MailContent.of(prefix(message.head(), fields)), message);
    }

    private static byte[] prefix(byte[] head, String fields) {
        byte[] bytes = fields.getBytes(StandardCharsets.UTF_8);
        if (startsWithHeaderField(head) || (head.length >= 2 && head[0] == CR && head[1] == LF)) {
            return bytes;
        }
        // no header section: a blank line keeps the original text a body, not a broken header
        byte[] withBlankLine = new byte[bytes.length + 2];
        System.arraycopy(bytes, 0, withBlankLine, 0, bytes.length);
        withBlankLine[bytes.length] = CR;
        withBlankLine[bytes.length + 1] = LF;
        return withBlankLine;
    }
}
