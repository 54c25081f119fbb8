package io.mailgateway.smtp.commands;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The message data after DATA's 354, read a block at a time: ends at the line holding a single period
 * (CRLF.CRLF, the first line counting as the start of a line, so that an empty message ends at once) and
 * removes the period RFC 5321 §4.5.2 puts in front of a line that starts with one. The CRLF before the
 * final period belongs to the message; the period line does not.
 *
 * <p>subethasmtp's own pair of streams does the same a byte at a time, three virtual calls and a
 * synchronised read per byte: most of an SMTP session's CPU for a 100 KB mail, and more than the rest of
 * the intake together for a 5 MB one (README, Performance). This one reads what the session's buffer
 * holds and unstuffs it while copying it to the caller.
 *
 * <p>It never consumes a byte after the final period line: a client may pipeline its next command right
 * behind it (RFC 2920), and the session reads that command from the same buffered stream. The stream must
 * therefore support {@link InputStream#mark mark/reset} (the session's is a {@code BufferedInputStream}).
 */
final class DotTerminatedData extends InputStream {

    private static final int MID_LINE = 0;
    private static final int AFTER_CR = 1;
    private static final int LINE_START = 2;
    /** A period at the start of a line: the end of the data if CRLF follows, else removed. */
    private static final int DOT = 3;
    private static final int DOT_CR = 4;

    private static final int CHUNK = 8192;

    private final InputStream in;
    private final byte[] chunk = new byte[CHUNK];
    private final byte[] one = new byte[1];
    private int state = LINE_START;
    private boolean ended;
    /** A byte of data that did not fit the caller's buffer (at most one: see {@link #read(byte[], int, int)}), or -1. */
    private int pending = -1;

    DotTerminatedData(InputStream in) {
        if (!in.markSupported()) {
            throw new IllegalArgumentException("the session's input must support mark/reset");
        }
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    /**
     * Reads at most {@code length} bytes from the session's stream at a time. Data is never longer than what
     * it was read from, except by the CR of a "." CR line whose period and CR came in the previous read: one
     * byte over at most, kept for the next call.
     */
    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int w = offset;
        int end = offset + length;
        if (pending >= 0) {
            buffer[w++] = (byte) pending;
            pending = -1;
        }
        while (w < end && !ended) {
            int room = Math.min(end - w, CHUNK);
            in.mark(room);
            int n = in.read(chunk, 0, room);
            if (n < 0) {
                throw new EOFException("connection closed before the end of the message data (CRLF.CRLF)");
            }
            for (int r = 0; r < n && !ended; r++) {
                byte c = chunk[r];
                switch (state) {
                    case LINE_START -> {
                        if (c == '.') {
                            state = DOT;
                        } else {
                            w = put(buffer, w, end, c);
                            state = c == '\r' ? AFTER_CR : MID_LINE;
                        }
                    }
                    case MID_LINE -> {
                        w = put(buffer, w, end, c);
                        if (c == '\r') {
                            state = AFTER_CR;
                        }
                    }
                    case AFTER_CR -> {
                        w = put(buffer, w, end, c);
                        state = c == '\n' ? LINE_START : c == '\r' ? AFTER_CR : MID_LINE;
                    }
                    case DOT -> {
                        if (c == '\r') {
                            state = DOT_CR;
                        } else {
                            w = put(buffer, w, end, c); // the stuffed period is dropped, the rest is data
                            state = MID_LINE;
                        }
                    }
                    case DOT_CR -> {
                        if (c == '\n') {
                            ended = true;
                            giveBack(r + 1);
                        } else {
                            // "." CR and something else: not the end; the period goes, the CR stays
                            w = put(buffer, w, end, (byte) '\r');
                            w = put(buffer, w, end, c);
                            state = c == '\r' ? AFTER_CR : MID_LINE;
                        }
                    }
                    default -> throw new IllegalStateException("state " + state);
                }
            }
            if (w > offset) {
                break; // hand over what there is rather than wait for more from the client
            }
        }
        if (w == offset && ended) {
            return -1;
        }
        return w - offset;
    }

    private int put(byte[] buffer, int w, int end, byte c) {
        if (w < end) {
            buffer[w] = c;
            return w + 1;
        }
        pending = c & 0xFF;
        return w;
    }

    /** Leaves everything after the first {@code used} bytes of the last read in the session's stream. */
    private void giveBack(int used) throws IOException {
        in.reset();
        long left = used;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                throw new IOException("could not skip the message data already read");
            }
            left -= skipped;
        }
    }
}
