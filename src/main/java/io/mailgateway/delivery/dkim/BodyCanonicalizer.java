package io.mailgateway.delivery.dkim;

import java.security.MessageDigest;

/**
 * Canonicalises a message body as it streams past and feeds the result to a digest, so a 50 MB body is
 * hashed in one pass with a few KB of memory (RFC 6376 §3.4.3 simple, §3.4.4 relaxed).
 *
 * <p>Both algorithms delete empty lines at the end of the body, which cannot be known until the body ends.
 * So line ends are not written when seen but counted, and written only when something other than another
 * line end follows; at the end the counted ones are dropped. Relaxed does the same with whitespace: a run
 * of WSP is remembered and written as one SP only if the line goes on after it (WSP at the end of a line is
 * deleted).
 *
 * <p>Only CRLF is a line end. A CR not followed by LF, or a LF not preceded by CR, is ordinary data (the
 * gateway's intake refuses them anyway).
 */
final class BodyCanonicalizer {

    private final boolean relaxed;
    private final MessageDigest digest;
    private final byte[] out = new byte[16 * 1024];
    private int outLength;

    /** Line ends seen but not yet written: they are dropped if only line ends follow. */
    private long pendingLineEnds;
    /** Relaxed: WSP seen on this line but not yet written. */
    private boolean pendingSpace;
    /** The previous byte was a CR whose meaning depends on the next byte. */
    private boolean pendingCr;
    /** Anything other than a line end has been written: the body is not empty. */
    private boolean wroteContent;
    private boolean finished;

    BodyCanonicalizer(boolean relaxed, MessageDigest digest) {
        this.relaxed = relaxed;
        this.digest = digest;
    }

    void update(byte[] bytes, int offset, int length) {
        if (finished) {
            throw new IllegalStateException("body already finished");
        }
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    lineEnd();
                    continue;
                }
                content((byte) '\r'); // a bare CR
            }
            if (b == '\r') {
                pendingCr = true;
            } else if (relaxed && (b == ' ' || b == '\t')) {
                pendingSpace = true;
            } else {
                content(b);
            }
        }
    }

    /**
     * Whether nothing but line ends (and, relaxed, whitespace) has been seen: the body is empty so far. A CR
     * at the end of a read does not count yet: it is most likely the first half of a line end.
     */
    boolean isEmptySoFar() {
        return !wroteContent;
    }

    /** Ends the body: writes what the algorithm says a body ends with. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (pendingCr) {
            content((byte) '\r');
        }
        if (relaxed) {
            // §3.4.4: an empty body (after deleting trailing empty lines) stays empty (RFC 6376 erratum 1384
            // confirms); otherwise it ends with exactly one CRLF, which is added if the body lacked it
            if (wroteContent) {
                write((byte) '\r');
                write((byte) '\n');
            }
        } else {
            // §3.4.3: trailing empty lines go; the body ends with one CRLF, which is the whole body when empty
            write((byte) '\r');
            write((byte) '\n');
        }
        flush();
    }

    private void lineEnd() {
        pendingSpace = false; // §3.4.4: WSP at the end of a line is deleted
        pendingLineEnds++;
    }

    private void content(byte b) {
        for (; pendingLineEnds > 0; pendingLineEnds--) {
            write((byte) '\r');
            write((byte) '\n');
        }
        if (pendingSpace) {
            write((byte) ' '); // §3.4.4: a run of WSP within a line becomes one SP
            pendingSpace = false;
        }
        write(b);
        wroteContent = true;
    }

    private void write(byte b) {
        if (outLength == out.length) {
            flush();
        }
        out[outLength++] = b;
    }

    private void flush() {
        digest.update(out, 0, outLength);
        outLength = 0;
    }
}
