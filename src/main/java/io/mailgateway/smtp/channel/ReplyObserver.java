package io.mailgateway.smtp.channel;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Watches the replies a connection sends and counts the errors among them (final lines of 5xx replies),
 * like Postfix's {@code smtpd_hard_error_limit}: a client that keeps getting 5xx is guessing or probing.
 * Bytes pass through unchanged. An orderly stop writes the connection's last reply through it
 * ({@link #sendLast}); whatever the session thread writes after that is dropped, so the two never mix.
 */
public final class ReplyObserver extends FilterOutputStream {

    private final byte[] head = new byte[4];
    private int headLength;
    private volatile int errors;
    private volatile boolean observing = true;
    private boolean sealed;

    public ReplyObserver(OutputStream out) {
        this(out, 0);
    }

    /** Continues a count, e.g. on the TLS layer after STARTTLS. */
    public ReplyObserver(OutputStream out, int errorsSoFar) {
        super(out);
        this.errors = errorsSoFar;
    }

    /** Below a TLS layer the bytes are records, not replies: stop reading them. */
    public void stopObserving() {
        observing = false;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (sealed) {
            return;
        }
        out.write(b);
        observe((byte) b);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (sealed) {
            return;
        }
        out.write(bytes, offset, length);
        for (int i = 0; i < length; i++) {
            observe(bytes[offset + i]);
        }
    }

    /**
     * Writes a reply from another thread than the session's, as the connection's last words (the stop's
     * 421): nothing written afterwards reaches the client. Only while the session thread waits for the
     * client (it writes nothing then), so the reply never lands inside another one.
     */
    public synchronized void sendLast(byte[] reply) throws IOException {
        if (sealed) {
            return;
        }
        sealed = true;
        out.write(reply);
        out.flush();
    }

    private void observe(byte b) {
        if (!observing) {
            return;
        }
        if (b == '\n') {
            headLength = 0;
            return;
        }
        if (headLength < head.length) {
            head[headLength++] = b;
            if (headLength == head.length && head[0] == '5' && head[3] == ' ') {
                errors++;
            }
        }
    }

    /** Error replies sent so far on this connection. */
    public int errors() {
        return errors;
    }
}
