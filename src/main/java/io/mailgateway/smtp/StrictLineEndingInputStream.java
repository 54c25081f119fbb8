package io.mailgateway.smtp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes DATA through unchanged while noting a bare CR, a bare LF or a NUL anywhere in it.
 *
 * <p>subethasmtp ends DATA only on CRLF.CRLF but hands bare CR and LF to us. Relayed as is, {@code \n.\r\n}
 * or {@code \n.\n} inside a body may end DATA at a lenient next hop and smuggle a second message (SMTP
 * smuggling, CVE-2023-51764 and kin). Like Postfix's {@code smtpd_forbid_bare_newline}, such a message is
 * refused. The stream notes rather than throws, so that the caller can read DATA to its real end first:
 * a rejection thrown mid-stream would leave the rest of the message to be read as SMTP commands.
 */
final class StrictLineEndingInputStream extends FilterInputStream {

    private boolean previousWasCr;
    private boolean bareLineEnding;
    private boolean nul;

    StrictLineEndingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            check(b);
        } else {
            atEnd();
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            atEnd();
        }
        for (int i = 0; i < n; i++) {
            check(buffer[offset + i] & 0xFF);
        }
        return n;
    }

    private void check(int b) {
        if (previousWasCr && b != '\n') {
            bareLineEnding = true;
        }
        if (b == '\n' && !previousWasCr) {
            bareLineEnding = true;
        }
        if (b == 0) {
            nul = true;
        }
        previousWasCr = b == '\r';
    }

    private void atEnd() {
        if (previousWasCr) {
            bareLineEnding = true;
            previousWasCr = false;
        }
    }

    boolean sawBareLineEnding() {
        return bareLineEnding;
    }

    boolean sawNul() {
        return nul;
    }
}
