package io.mailgateway.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and removes header fields in raw RFC 5322 bytes without parsing or re-serialising anything else:
 * every byte that is not part of a removed field is copied as is, the body always.
 *
 * <p>Lines end in CRLF; run {@link #toCrlf(byte[])} first on text written by Unix tools. The header section
 * is what {@link HeaderSection#end(byte[])} says it is. A field is a line {@code Name: value} (also the
 * obsolete {@code Name : value}, RFC 5322 §4.5.3) together with the continuation lines that follow it
 * (lines starting with SP or HTAB, RFC 5322 §2.2.3). Field names match case-insensitively.
 */
public final class HeaderFields {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private HeaderFields() {
    }

    /**
     * The values of every field called {@code name}, in the order they appear: unfolded (each CRLF before
     * a continuation line removed, the SP or HTAB after it kept, as RFC 5322 §2.2.3 says), the white space
     * after the colon trimmed, trailing white space kept, bytes decoded as ISO-8859-1 (one char per byte,
     * so {@code getBytes(ISO_8859_1)} gives back the raw bytes); RFC 2047 encoded words are left encoded.
     * Empty when there is no such field or no header section.
     */
    public static List<String> values(byte[] message, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        List<String> values = new ArrayList<>();
        for (Field field : fields(message)) {
            if (wanted.equals(field.name())) {
                values.add(field.value(message));
            }
        }
        return List.copyOf(values);
    }

    /**
     * A copy of {@code message} without the fields named in {@code names} (case-insensitive), their
     * continuation lines included. Every other byte, header or body, is copied unchanged and in order.
     */
    public static byte[] remove(byte[] message, Set<String> names) {
        Set<String> unwanted = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        int headerEnd = HeaderSection.end(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length);
        for (Field field : fields(message)) {
            if (!unwanted.contains(field.name())) {
                out.write(message, field.start(), field.next() - field.start());
            }
        }
        out.write(message, headerEnd, message.length - headerEnd);
        return out.toByteArray();
    }

    /**
     * Canonical CRLF line endings (RFC 5322 §2.1, RFC 5321 §2.3.8) for text written by tools that end lines
     * with a lone LF (Unix) or a lone CR (classic Mac): each lone LF and each lone CR becomes CRLF, an
     * existing CRLF stays as it is. Returns {@code message} itself, not a copy, when it is already canonical,
     * so callers can tell with {@code ==} whether anything changed.
     */
    public static byte[] toCrlf(byte[] message) {
        int missing = 0;
        for (int i = 0; i < message.length; i++) {
            if (message[i] == CR && i + 1 < message.length && message[i + 1] == LF) {
                i++;
            } else if (message[i] == CR || message[i] == LF) {
                missing++;
            }
        }
        if (missing == 0) {
            return message;
        }
        byte[] out = new byte[message.length + missing];
        int o = 0;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == CR && i + 1 < message.length && message[i + 1] == LF) {
                out[o++] = CR;
                out[o++] = LF;
                i++;
            } else if (b == CR || b == LF) {
                out[o++] = CR;
                out[o++] = LF;
            } else {
                out[o++] = b;
            }
        }
        return out;
    }

    /**
     * One field in the header section, from the start of its first line to the start of the line after its
     * last continuation line. A line that is neither a field nor a continuation (malformed input) becomes
     * a span with a null name, so that {@link #remove} keeps it and {@link #values} ignores it.
     *
     * @param name lower-case field name, or null for a line that is not a field
     * @param valueStart index after the colon
     * @param valueEnd index of the CRLF that ends the field (or the header section's end)
     * @param next index of the line after the field
     */
    private record Field(String name, int start, int valueStart, int valueEnd, int next) {

        String value(byte[] message) {
            String folded = new String(message, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
            // inside a field every CRLF is followed by WSP (that is what made it a continuation)
            String unfolded = folded.replace("\r\n", "");
            int i = 0;
            while (i < unfolded.length() && (unfolded.charAt(i) == ' ' || unfolded.charAt(i) == '\t')) {
                i++;
            }
            return unfolded.substring(i);
        }
    }

    private static List<Field> fields(byte[] message) {
        int headerEnd = HeaderSection.end(message);
        List<Field> fields = new ArrayList<>();
        int start = 0;
        while (start < headerEnd) {
            int colon = colonAfterFieldName(message, start, headerEnd);
            String name = colon < 0 ? null : fieldName(message, start, colon);
            int lineEnd = lineEnd(message, start, headerEnd);
            int next = nextLine(lineEnd, headerEnd);
            while (next < headerEnd && isWsp(message[next])) {
                lineEnd = lineEnd(message, next, headerEnd);
                next = nextLine(lineEnd, headerEnd);
            }
            fields.add(new Field(name, start, colon < 0 ? start : colon + 1, lineEnd, next));
            start = next;
        }
        return fields;
    }

    /**
     * Index of the colon when the line at {@code start} is {@code Name: ...} or {@code Name :...} (obsolete
     * syntax, RFC 5322 §4.5.3, still seen from old tools), else -1.
     */
    static int colonAfterFieldName(byte[] message, int start, int limit) {
        int i = start;
        while (i < limit && message[i] >= 33 && message[i] <= 126 && message[i] != ':') {
            i++;
        }
        if (i == start) {
            return -1;
        }
        while (i < limit && isWsp(message[i])) {
            i++;
        }
        return i < limit && message[i] == ':' ? i : -1;
    }

    private static String fieldName(byte[] message, int start, int colon) {
        int end = colon;
        while (end > start && isWsp(message[end - 1])) {
            end--;
        }
        return new String(message, start, end - start, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }

    private static int lineEnd(byte[] message, int from, int limit) {
        for (int i = from; i + 1 < limit; i++) {
            if (message[i] == CR && message[i + 1] == LF) {
                return i;
            }
        }
        return limit;
    }

    private static int nextLine(int lineEnd, int limit) {
        return lineEnd >= limit ? limit : lineEnd + 2;
    }

    private static boolean isWsp(byte b) {
        return b == ' ' || b == '\t';
    }
}
