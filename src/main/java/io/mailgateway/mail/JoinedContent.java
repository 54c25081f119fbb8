package io.mailgateway.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.Objects;

/** Two {@link MailContent}s one after the other: trace headers in front of a submitted message, say. */
final class JoinedContent extends StreamedContent {

    private final MailContent first;
    private final MailContent second;

    JoinedContent(MailContent first, MailContent second) {
        this.first = Objects.requireNonNull(first, "first");
        this.second = Objects.requireNonNull(second, "second");
    }

    @Override
    public long size() {
        return first.size() + second.size();
    }

    @Override
    public InputStream open() throws IOException {
        InputStream in = first.open();
        try {
            return new SequenceInputStream(in, second.open());
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        first.writeTo(out);
        second.writeTo(out);
    }

    @Override
    public void close() {
        try {
            first.close();
        } finally {
            second.close();
        }
    }
}
