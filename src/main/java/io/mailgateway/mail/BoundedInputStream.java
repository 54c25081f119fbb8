package io.mailgateway.mail;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** The next {@code remaining} bytes of a stream; the stream ending earlier is an error, not a short read. */
final class BoundedInputStream extends InputStream {

    private final InputStream in;
    private long remaining;

    BoundedInputStream(InputStream in, long remaining) {
        this.in = in;
        this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int b = in.read();
        if (b < 0) {
            throw truncated();
        }
        remaining--;
        return b;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, buffer.length);
        if (len == 0) {
            return 0;
        }
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(buffer, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw truncated();
        }
        remaining -= n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), remaining);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private IOException truncated() {
        return new EOFException("the content ended " + remaining + " bytes early (its file became shorter?)");
    }
}
