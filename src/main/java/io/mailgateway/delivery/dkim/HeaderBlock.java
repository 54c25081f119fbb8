package io.mailgateway.delivery.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The header section of a raw RFC 5322 message, split into fields exactly as they are on the wire. Each
 * field keeps its original bytes (as an ISO-8859-1 string, so every byte, 8-bit ones included, maps to one
 * char and back) because simple canonicalisation signs them unchanged and relaxed canonicalisation works
 * from them.
 *
 * <p>Only CRLF ends a line: the gateway's intake refuses bare CR and LF, and a signer that guessed at them
 * would sign something other than what the next hop reads.
 */
final class HeaderBlock {

    /**
     * Larger header sections are not signed. Real ones are a few KB even with a long Received chain; the
     * limit only keeps a malformed message (no blank line, a body read as headers) from being buffered whole.
     */
    static final int MAX_HEADER_BYTES = 1024 * 1024;

    /** One header field: its name as written (without trailing WSP) and the whole field, CRLF included. */
    record Field(String name, String raw) {
    }

    private final List<Field> fields;
    private final String problem;

    private HeaderBlock(List<Field> fields, String problem) {
        this.fields = Collections.unmodifiableList(fields);
        this.problem = problem;
    }

    /**
     * Reads the header section from {@code in} and the blank line after it, leaving {@code in} at the first
     * byte of the body. A message without a blank line is all header; one that starts with a blank line has
     * no header fields.
     */
    static HeaderBlock read(InputStream in) throws IOException {
        ByteArrayOutputStream section = new ByteArrayOutputStream(8192);
        int previous = -1;
        int lineStart = 0;
        int b;
        while ((b = in.read()) != -1) {
            section.write(b);
            if (previous == '\r' && b == '\n') {
                if (section.size() - lineStart == 2) {
                    // the empty line that ends the header section (RFC 5322 §2.1); not part of any field
                    byte[] bytes = section.toByteArray();
                    return parse(bytes, lineStart);
                }
                lineStart = section.size();
            }
            if (section.size() > MAX_HEADER_BYTES) {
                return new HeaderBlock(new ArrayList<>(), "header section larger than " + MAX_HEADER_BYTES + " bytes");
            }
            previous = b;
        }
        byte[] bytes = section.toByteArray();
        return parse(bytes, bytes.length);
    }

    /**
     * Parses a header section given as bytes: the fields, with or without the blank line that ends the
     * section.
     */
    static HeaderBlock of(byte[] headerSection) {
        int length = headerSection.length;
        if (length >= 2 && headerSection[length - 2] == '\r' && headerSection[length - 1] == '\n'
                && (length == 2 || (length >= 4 && headerSection[length - 4] == '\r' && headerSection[length - 3] == '\n'))) {
            length -= 2; // the blank line, when the caller included it
        }
        if (length > MAX_HEADER_BYTES) {
            return new HeaderBlock(new ArrayList<>(), "header section larger than " + MAX_HEADER_BYTES + " bytes");
        }
        return parse(headerSection, length);
    }

    private static HeaderBlock parse(byte[] bytes, int length) {
        String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))
                    || (c == '\n' && (i == 0 || text.charAt(i - 1) != '\r'))) {
                // verifiers differ on bare CR and LF (some turn LF into CRLF first), and a message whose lines
                // end in LF alone would be read here as one long header: do not guess, do not sign
                return new HeaderBlock(fields, "bare CR or LF in the header section");
            }
        }
        int fieldStart = -1;
        int lineStart = 0;
        while (lineStart < text.length()) {
            int crlf = text.indexOf("\r\n", lineStart);
            int lineEnd = crlf < 0 ? text.length() : crlf + 2;
            char first = text.charAt(lineStart);
            if (first == ' ' || first == '\t') {
                if (fieldStart < 0) {
                    return new HeaderBlock(fields, "header section starts with a continuation line");
                }
            } else {
                if (fieldStart >= 0) {
                    fields.add(field(text.substring(fieldStart, lineStart)));
                }
                int colon = text.indexOf(':', lineStart);
                if (colon < 0 || colon >= lineEnd) {
                    return new HeaderBlock(fields, "header line without a colon");
                }
                fieldStart = lineStart;
            }
            lineStart = lineEnd;
        }
        if (fieldStart >= 0) {
            String last = text.substring(fieldStart);
            // a header section cut off without its final CRLF (a message that is only headers)
            fields.add(field(last.endsWith("\r\n") ? last : last + "\r\n"));
        }
        for (Field field : fields) {
            if (field.name().isEmpty() || !isFieldName(field.name())) {
                return new HeaderBlock(fields, "malformed header field name");
            }
        }
        return new HeaderBlock(fields, null);
    }

    private static Field field(String raw) {
        String name = raw.substring(0, raw.indexOf(':'));
        int end = name.length();
        while (end > 0 && (name.charAt(end - 1) == ' ' || name.charAt(end - 1) == '\t')) {
            end--; // "Name :" is obsolete syntax (RFC 5322 §4.5.3) but still seen from old tools
        }
        return new Field(name.substring(0, end), raw);
    }

    /** RFC 5322 §3.6.8: printable US-ASCII except the colon. */
    private static boolean isFieldName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126) {
                return false;
            }
        }
        return true;
    }

    /** Why this header section cannot be signed, or null when it can. */
    String problem() {
        return problem;
    }

    List<Field> fields() {
        return fields;
    }

    /** The fields with this name (case-insensitive), top to bottom. */
    List<Field> all(String name) {
        List<Field> found = new ArrayList<>();
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                found.add(field);
            }
        }
        return found;
    }

    /** How many fields have this name (case-insensitive). */
    int count(String name) {
        return all(name).size();
    }

    /** The field's value: everything after the first colon, unfolded, without the final CRLF. */
    static String unfoldedValue(Field field) {
        String raw = field.raw();
        String value = raw.substring(raw.indexOf(':') + 1);
        return value.replace("\r\n", "").strip();
    }

    static String lowerCase(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
