package io.mailgateway.mail;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/** {@link MailContent} in memory: mails small enough that a file would cost more than it saves. */
final class BytesContent implements MailContent {

    private final byte[] bytes;

    BytesContent(byte[] bytes) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public InputStream open() {
        return new ByteArrayInputStream(bytes);
    }

    /** The whole array: it holds the header section, and readers stop at the empty line. */
    @Override
    public byte[] head() {
        return bytes;
    }

    @Override
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public MailContent slice(long offset, long length) {
        SlicedContent.checkBounds(offset, length, bytes.length); // Arrays.copyOfRange would pad with zeros
        return new BytesContent(Arrays.copyOfRange(bytes, (int) offset, (int) (offset + length)));
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }
}
