package io.mailgateway.delivery.dkim;

/**
 * Writes a header field folded so that no line is longer than 78 characters (RFC 5322 §2.1.1), breaking
 * only where the DKIM-Signature grammar allows folding whitespace (RFC 6376 §3.5: around tags, around the
 * colons of h=, inside base64 values).
 */
final class FoldedField {

    static final int MAX_LINE = 78;

    private final StringBuilder text = new StringBuilder(512);
    private int lineLength;

    FoldedField(String name) {
        text.append(name).append(':');
        lineLength = text.length();
    }

    /** A space, then {@code token}; folds first if the token would not fit on this line. */
    FoldedField token(String token) {
        if (lineLength + 1 + token.length() > MAX_LINE) {
            text.append("\r\n");
            lineLength = 0;
        }
        text.append(' ').append(token);
        lineLength += 1 + token.length();
        return this;
    }

    /** {@code piece} right after what is there; folds first (CRLF SP) if it would not fit. */
    FoldedField glued(String piece) {
        if (lineLength + piece.length() > MAX_LINE) {
            text.append("\r\n ");
            lineLength = 1;
        }
        text.append(piece);
        lineLength += piece.length();
        return this;
    }

    /** A base64 value, broken across as many lines as it needs. */
    FoldedField base64(String value) {
        int at = 0;
        while (at < value.length()) {
            if (lineLength >= MAX_LINE) {
                text.append("\r\n ");
                lineLength = 1;
            }
            int take = Math.min(MAX_LINE - lineLength, value.length() - at);
            text.append(value, at, at + take);
            lineLength += take;
            at += take;
        }
        return this;
    }

    /** The field so far, without a final CRLF. */
    String text() {
        return text.toString();
    }
}
