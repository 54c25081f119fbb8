package io.mailgateway.pickup;

import io.mailgateway.mail.HeaderFields;
import io.mailgateway.mail.RejectedMailException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level checks that decide whether a pickup file can be a mail at all, before any address is read.
 * Each failure names the line or offset, so an operator can fix the tool that wrote the file.
 */
final class EmlFormatCheck {

    /** RFC 5322 §2.1.1: "Each line of characters MUST be no more than 998 characters ... excluding the CRLF". */
    static final int MAX_LINE_OCTETS = 998;

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private EmlFormatCheck() {
    }

    /**
     * What one streamed pass over a pickup file finds out, so that only its header section is ever read into
     * memory.
     *
     * @param size the file's length
     * @param firstNul offset of the first NUL byte, or -1 when there is none
     * @param headerLength where the header section ends in the file's own bytes: just after the line ending
     *                     of its empty line (line endings counted the way {@link HeaderFields#toCrlf} counts
     *                     them: CRLF, lone CR, lone LF); -1 when the file has no empty line
     * @param loneLineEndings how many lone CRs and lone LFs the file has: canonical CRLF adds one byte for each
     */
    record Scan(long size, long firstNul, long headerLength, long loneLineEndings) {
    }

    /** One pass over {@code file}, a chunk at a time: nothing but the counters is kept. */
    static Scan scan(InputStream file) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long position = 0;
        long firstNul = -1;
        long headerLength = -1;
        long lone = 0;
        boolean pendingCr = false;
        // the start of the file counts as a line start: a file that begins with a line ending has an empty
        // header section
        boolean lastWasLineEnding = true;
        int n;
        while ((n = file.read(buffer)) >= 0) {
            for (int i = 0; i < n; i++, position++) {
                byte b = buffer[i];
                if (pendingCr) {
                    pendingCr = false;
                    if (b == LF) {
                        if (lastWasLineEnding && headerLength < 0) {
                            headerLength = position + 1;
                        }
                        lastWasLineEnding = true;
                        continue;
                    }
                    lone++; // a lone CR, ended at this byte
                    if (lastWasLineEnding && headerLength < 0) {
                        headerLength = position;
                    }
                    lastWasLineEnding = true;
                }
                if (b == CR) {
                    pendingCr = true;
                } else if (b == LF) {
                    lone++;
                    if (lastWasLineEnding && headerLength < 0) {
                        headerLength = position + 1;
                    }
                    lastWasLineEnding = true;
                } else {
                    lastWasLineEnding = false;
                    if (b == 0 && firstNul < 0) {
                        firstNul = position;
                    }
                }
            }
        }
        if (pendingCr) {
            lone++;
            if (lastWasLineEnding && headerLength < 0) {
                headerLength = position;
            }
        }
        return new Scan(position, firstNul, headerLength, lone);
    }

    /** Rejects an empty file and a file with NUL bytes (binary data, UTF-16 text), found by {@link #scan}. */
    static void checkContent(Scan scan) throws RejectedMailException {
        if (scan.size() == 0) {
            throw new RejectedMailException("empty file");
        }
        if (scan.firstNul() >= 0) {
            // RFC 5322 §2.3 and RFC 2045 §2.7/§2.8 forbid NUL in a message; SMTP relays reject it
            throw new RejectedMailException("contains NUL bytes (first at byte offset " + scan.firstNul()
                + "): binary data or UTF-16 text, not an RFC 5322 message");
        }
    }

    /** The rejection for a file whose first line is not {@code Name: value}. */
    static RejectedMailException noHeaderSection(byte[] file) {
        String hint = startsWithUtf8Bom(file)
            ? " (it starts with a UTF-8 byte order mark; save it without BOM)"
            : " (the first line must be a field such as \"From: ...\", not a blank line or text)";
        return new RejectedMailException("does not start with a header field" + hint);
    }

    /**
     * Rejects a header section that mixes line-ending styles, checked on the bytes as read. Canonicalisation
     * turns a lone CR or LF into CRLF, which is right for a file written consistently by a Unix or Mac tool,
     * but inside a file that otherwise uses another style it is the classic header-injection shape
     * ({@code To: a@example.org\rBcc: victim@example.net}): canonicalising it would create a field, and a
     * recipient, that the tool which wrote the line never meant. The body may mix styles; it creates no
     * recipient.
     */
    static void checkConsistentHeaderLineEndings(byte[] file) throws RejectedMailException {
        String firstStyle = null;
        int firstStyleLine = 0;
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < file.length; i++) {
            String style;
            int terminatorEnd;
            if (file[i] == CR && i + 1 < file.length && file[i + 1] == LF) {
                style = "CRLF";
                terminatorEnd = i + 2;
            } else if (file[i] == CR) {
                style = "lone CR";
                terminatorEnd = i + 1;
            } else if (file[i] == LF) {
                style = "lone LF";
                terminatorEnd = i + 1;
            } else {
                continue;
            }
            if (i == lineStart) {
                return; // the blank line: the header section ends here, whatever ends this line
            }
            if (firstStyle == null) {
                firstStyle = style;
                firstStyleLine = line;
            } else if (!firstStyle.equals(style)) {
                throw new RejectedMailException("header section mixes line endings (" + firstStyle + " on line "
                    + firstStyleLine + ", " + style + " on line " + line + "): a line break inside a header field "
                    + "looks like header injection; write the file with one line-ending style");
            }
            line++;
            lineStart = terminatorEnd;
            i = terminatorEnd - 1;
        }
    }

    /**
     * Checks each line of the header section {@code [0, headerEnd)} of a canonical (CRLF) message: at most
     * {@value #MAX_LINE_OCTETS} octets, and either a field ({@code Name: value}) or a folded continuation.
     * A stray line would be read as the end of the header section by some parsers and not by others, so
     * header fields after it (a Bcc) would be removed by one hop and delivered visibly by the next.
     */
    static void checkHeaderLines(byte[] message, int headerEnd) throws RejectedMailException {
        int line = 1;
        int start = 0;
        String fieldName = null;
        while (start < headerEnd) {
            int end = start;
            while (end < headerEnd && !(message[end] == CR && end + 1 < headerEnd && message[end + 1] == LF)) {
                end++;
            }
            boolean continuation = message[start] == ' ' || message[start] == '\t';
            if (!continuation) {
                fieldName = fieldName(message, start, end);
                if (fieldName == null) {
                    throw new RejectedMailException("header line " + line
                        + " is neither a header field (\"Name: value\") nor a folded continuation (starting with"
                        + " a space or tab); a blank line must separate the header section from the body");
                }
            }
            int octets = end - start;
            if (octets > MAX_LINE_OCTETS) {
                throw new RejectedMailException("header line " + line + " (" + fieldName + (continuation ? ", folded" : "")
                    + ") is " + octets + " octets long; RFC 5322 §2.1.1 allows at most " + MAX_LINE_OCTETS
                    + " per line: fold it");
            }
            line++;
            start = end + 2;
        }
    }

    /** The field name when the line {@code [start, end)} is {@code Name: ...} (or obsolete {@code Name :}), else null. */
    private static String fieldName(byte[] message, int start, int end) {
        int i = start;
        while (i < end && message[i] >= 33 && message[i] <= 126 && message[i] != ':') {
            i++;
        }
        int nameEnd = i;
        while (i < end && (message[i] == ' ' || message[i] == '\t')) {
            i++;
        }
        if (nameEnd == start || i == end || message[i] != ':') {
            return null;
        }
        return new String(message, start, nameEnd - start, StandardCharsets.ISO_8859_1);
    }

    private static boolean startsWithUtf8Bom(byte[] file) {
        return file.length >= 3 && (file[0] & 0xff) == 0xEF && (file[1] & 0xff) == 0xBB && (file[2] & 0xff) == 0xBF;
    }
}
