package io.mailgateway.mail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Another {@link MailContent} with canonical CRLF line endings (RFC 5322 §2.1), converted while it is read:
 * the streamed twin of {@link HeaderFields#toCrlf(byte[])}, for the body of a large pickup file written by a
 * Unix tool.
 */
final class CrlfContent extends StreamedContent {

    private final MailContent source;
    private final long size;

    CrlfContent(MailContent source, long size) {
        this.source = Objects.requireNonNull(source, "source");
        if (size < source.size()) {
            throw new IllegalArgumentException("conversion only adds bytes: " + size + " < " + source.size());
        }
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream open() throws IOException {
        return new Converting(new BufferedInputStream(source.open(), 64 * 1024));
    }

    @Override
    public void close() {
        source.close();
    }

    /** Lone CR → CRLF, lone LF → CRLF, CRLF → CRLF. */
    static final class Converting extends InputStream {
        private final InputStream in;
        /** An LF still to be returned after the CR just returned. */
        private boolean pendingLf;
        /** The last byte read was a CR (already returned as CRLF): an LF right after it belongs to it. */
        private boolean afterCr;

        Converting(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (pendingLf) {
                pendingLf = false;
                return '\n';
            }
            int b = in.read();
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    b = in.read(); // the LF of a CRLF: already returned
                }
            }
            if (b == '\r') {
                afterCr = true;
                pendingLf = true;
            } else if (b == '\n') {
                pendingLf = true;
                return '\r';
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, buffer.length);
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                int b = read();
                if (b < 0) {
                    return n == 0 ? -1 : n;
                }
                buffer[off + n++] = (byte) b;
                if (!pendingLf && !afterCr && in.available() == 0) {
                    break; // do not block for more than what is there
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
