package io.mailgateway.smtp.channel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Sits between the client's socket and subethasmtp's reader and enforces, byte by byte, what subethasmtp
 * does not: in command mode it hands out exactly one line at a time (never reading past it on the
 * reader's behalf) and replaces a line that breaks the rules by a marker command the listener answers;
 * in DATA mode it hands out bytes only up to the real end of data ({@code CRLF.CRLF}), so the command
 * after it is checked again; after STARTTLS it drops everything the client sent ahead of the handshake
 * (RFC 3207 §4.2, the CVE-2011-0411 class) and steps aside for the TLS layer. It also tells the
 * connection's {@link SessionActivity} when the session waits for the client, so an orderly stop knows
 * which sessions it may close, and has a session answer 421 when the listener stops.
 *
 * <p>Not thread-safe: one guard per connection, used by that connection's session thread.
 */
public final class CommandChannelGuard extends InputStream {

    /** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets including CRLF. */
    public static final int MAX_COMMAND_LINE = 512;
    /** Past this much of one over-long line the client is not an SMTP client: stop reading. */
    private static final int MAX_DISCARD = 64 * 1024;

    /** Marker commands the listener registers; a client typing them gets the same answers. */
    public static final String LINE_TOO_LONG = "XLONGLINE";
    public static final String BAD_LINE_ENDING = "XBADLINE";
    public static final String TOO_MANY_ERRORS = "XERRLIMIT";
    public static final String IDLE_TIMEOUT = "XIDLE";
    public static final String SHUTTING_DOWN = "XSHUTDOWN";

    private enum Mode { COMMAND, DATA, TRANSPARENT }

    private final InputStream in;
    private final ReplyObserver replies;
    private final int maxErrors;
    private final SessionActivity activity;
    private final byte[] raw = new byte[16 * 1024];
    private final byte[] one = new byte[1];
    private int rawPos;
    private int rawLimit;
    private byte[] line;
    private int linePos;
    private Mode mode = Mode.COMMAND;
    private int terminatorMatched;
    private long dataDeadline;

    /**
     * @param in the socket's (or TLS layer's) input
     * @param replies counts the error replies of this connection
     * @param maxErrors error replies after which the next command is replaced by {@link #TOO_MANY_ERRORS}
     */
    public CommandChannelGuard(InputStream in, ReplyObserver replies, int maxErrors) {
        this(in, replies, maxErrors, new SessionActivity());
    }

    /** @param activity the connection's activity; after STARTTLS the same one, as the session goes on */
    public CommandChannelGuard(InputStream in, ReplyObserver replies, int maxErrors, SessionActivity activity) {
        this.in = in;
        this.replies = replies;
        this.maxErrors = maxErrors;
        this.activity = activity;
    }

    public SessionActivity activity() {
        return activity;
    }

    /** The next bytes are message data, up to and including CRLF.CRLF; it must end before the deadline. */
    public void expectData(long deadlineNanos) {
        mode = Mode.DATA;
        terminatorMatched = 2; // DATA starts as if just after a CRLF, so ".CRLF" at once ends it
        dataDeadline = deadlineNanos;
    }

    /** STARTTLS accepted: forget whatever the client pipelined in clear text and pass TLS records through. */
    public void startTls() {
        rawPos = rawLimit = 0;
        line = null;
        mode = Mode.TRANSPARENT;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        return switch (mode) {
            case TRANSPARENT -> in.read(buffer, offset, length);
            case DATA -> readData(buffer, offset, length);
            case COMMAND -> readCommand(buffer, offset, length);
        };
    }

    private int readCommand(byte[] buffer, int offset, int length) throws IOException {
        if (line == null || linePos == line.length) {
            line = nextLine();
            linePos = 0;
            if (line == null) {
                return -1;
            }
        }
        int n = Math.min(length, line.length - linePos);
        System.arraycopy(line, linePos, buffer, offset, n);
        linePos += n;
        return n;
    }

    /** The next command line as the reader should see it, or null at end of stream. */
    private byte[] nextLine() throws IOException {
        if (replies.errors() >= maxErrors) {
            return marker(TOO_MANY_ERRORS);
        }
        if (activity.awaitCommand()) {
            return marker(SHUTTING_DOWN);
        }
        byte[] next;
        try {
            next = readLine();
        } catch (IOException e) {
            if (activity.isClaimed()) {
                return null; // the stop answered 421 and closed the socket under our feet: the end
            }
            throw e;
        }
        return activity.commandArrived() ? next : null;
    }

    private byte[] readLine() throws IOException {
        byte[] collected = new byte[MAX_COMMAND_LINE];
        int length = 0;
        int total = 0;
        boolean bad = false;
        int previous = -1;
        while (true) {
            try {
                if (rawPos == rawLimit && !fill()) {
                    return null; // the client went away mid-line: nothing to execute
                }
            } catch (java.net.SocketTimeoutException idle) {
                return marker(IDLE_TIMEOUT); // answered with an enhanced code, not subethasmtp's bare 421
            }
            int b = raw[rawPos++] & 0xFF;
            total++;
            if (b == '\n') {
                if (previous != '\r') {
                    bad = true;
                }
                break;
            }
            if (previous == '\r' || b == 0) {
                bad = true; // a CR not followed by LF, or a NUL
            }
            if (length < collected.length) {
                collected[length++] = (byte) b;
            }
            previous = b;
            if (total > MAX_DISCARD) {
                return marker(BAD_LINE_ENDING);
            }
        }
        if (bad) {
            return marker(BAD_LINE_ENDING);
        }
        if (total > MAX_COMMAND_LINE) {
            return marker(LINE_TOO_LONG);
        }
        byte[] result = new byte[length + 1];
        System.arraycopy(collected, 0, result, 0, length); // ends "...\r"
        result[length] = '\n';
        return result;
    }

    private int readData(byte[] buffer, int offset, int length) throws IOException {
        if (System.nanoTime() - dataDeadline > 0) {
            throw new DataDeadlineException();
        }
        activity.receivingData();
        boolean more;
        try {
            more = rawPos < rawLimit || fill();
        } catch (IOException e) {
            throw activity.isClaimed() ? new StoppedDuringDataException() : e;
        }
        if (!more) {
            if (activity.isClaimed()) {
                throw new StoppedDuringDataException();
            }
            return -1;
        }
        int n = 0;
        while (n < length && rawPos < rawLimit) {
            byte b = raw[rawPos++];
            buffer[offset + n++] = b;
            if (advanceTerminator(b)) {
                mode = Mode.COMMAND;
                if (!activity.dataComplete()) {
                    // the stop's 421 went out first: the client was told the message is not taken
                    throw new StoppedDuringDataException();
                }
                break;
            }
        }
        return n;
    }

    /** Matches CR LF . CR LF across reads; true when the last byte completed it. */
    private boolean advanceTerminator(byte b) {
        // states: 0 nothing, 1 CR, 2 CRLF, 3 CRLF., 4 CRLF.CR
        switch (terminatorMatched) {
            case 1 -> terminatorMatched = b == '\n' ? 2 : b == '\r' ? 1 : 0;
            case 2 -> terminatorMatched = b == '.' ? 3 : b == '\r' ? 1 : 0;
            case 3 -> terminatorMatched = b == '\r' ? 4 : 0;
            case 4 -> {
                if (b == '\n') {
                    terminatorMatched = 0;
                    return true;
                }
                terminatorMatched = b == '\r' ? 1 : 0;
            }
            default -> terminatorMatched = b == '\r' ? 1 : 0;
        }
        return false;
    }

    private boolean fill() throws IOException {
        int n = in.read(raw, 0, raw.length);
        if (n <= 0) {
            return false;
        }
        rawPos = 0;
        rawLimit = n;
        return true;
    }

    private static byte[] marker(String verb) {
        return (verb + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public int available() {
        return mode == Mode.COMMAND && line != null ? line.length - linePos : 0;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * The listener's stop ended the session in the middle of DATA, after its grace period: the client got
     * 421 and the message must not be queued.
     */
    public static final class StoppedDuringDataException extends IOException {
        public StoppedDuringDataException() {
            super("the listener stopped while message data was still arriving");
        }
    }

    /** The DATA phase outlived {@code gateway.smtp.data-timeout}. */
    public static final class DataDeadlineException extends IOException {
        public DataDeadlineException() {
            super("DATA not finished within the data timeout");
        }
    }
}
