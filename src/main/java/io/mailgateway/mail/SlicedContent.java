package io.mailgateway.mail;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** {@code length} bytes of another {@link MailContent} from {@code offset}, read from it when needed. */
final class SlicedContent extends StreamedContent {

    private final MailContent whole;
    private final long offset;
    private final long length;

    SlicedContent(MailContent whole, long offset, long length) {
        this.whole = Objects.requireNonNull(whole, "whole");
        checkBounds(offset, length, whole.size());
        this.offset = offset;
        this.length = length;
    }

    /** The bounds {@link MailContent#slice} accepts, for every implementation of it. */
    static void checkBounds(long offset, long length, long size) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IndexOutOfBoundsException("slice " + offset + "+" + length + " of " + size + " bytes");
        }
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public InputStream open() throws IOException {
        InputStream in = whole.open();
        try {
            in.skipNBytes(offset);
            return new BoundedInputStream(in, length);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
