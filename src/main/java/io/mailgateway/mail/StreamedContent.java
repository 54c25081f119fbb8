package io.mailgateway.mail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A {@link MailContent} whose bytes are read from a stream whenever they are needed (a file, two contents
 * joined, a conversion, a slice): its {@link #head()} is read once, from the start of {@link #open()}, and
 * kept.
 */
abstract class StreamedContent implements MailContent {

    private volatile byte[] head;

    @Override
    public final byte[] head() {
        byte[] read = head;
        if (read == null) {
            try (InputStream in = open()) {
                read = readHead(in);
            } catch (IOException e) {
                throw unreadable(e);
            }
            head = read;
        }
        return read;
    }

    /** What {@link #head()} throws when the bytes cannot be read. */
    UncheckedIOException unreadable(IOException e) {
        return new UncheckedIOException(e);
    }

    /** The prefix {@link MailContent#head()} describes, read from the start of {@code content}. */
    static byte[] readHead(InputStream content) throws IOException {
        InputStream in = new BufferedInputStream(content, 8192);
        ByteArrayOutputStream head = new ByteArrayOutputStream(8192);
        int matched = 0; // how much of CR LF CR LF has just been seen
        int b;
        while (head.size() < HEAD_LIMIT && (b = in.read()) >= 0) {
            head.write(b);
            if (b == '\r') {
                matched = matched == 2 ? 3 : 1;
            } else if (b == '\n' && (matched == 1 || matched == 3)) {
                matched++;
                if (matched == 4) {
                    break;
                }
            } else {
                matched = 0;
            }
        }
        return head.toByteArray();
    }
}
