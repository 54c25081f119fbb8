package io.mailgateway.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The bytes of a mail, exactly as they are queued and delivered: small mails in memory, large ones in a file
 * (the pickup file itself, or a spool file, see {@link MailSpool}), so that a 50 MB mail is streamed through
 * the gateway instead of being held in its heap. The bytes never change; {@link #open()} may be called as
 * often as needed and always starts at the first byte.
 *
 * <p>Closing releases what holds the bytes: a spool file is deleted, memory and files owned by someone else
 * (a pickup file) are left alone. Whoever made a content closes it, once nothing reads it any more.
 */
public interface MailContent extends AutoCloseable {

    /**
     * The most bytes {@link #head()} reads. Far more than a real header section needs (Postfix keeps at most
     * 100 KiB of it, {@code header_size_limit}); a file without an empty line is not read whole into memory.
     */
    int HEAD_LIMIT = 1024 * 1024;

    /** How many bytes there are. */
    long size();

    /** A stream of every byte, from the first; the caller closes it. */
    InputStream open() throws IOException;

    /**
     * A prefix that holds the whole header section and the empty line after it (the whole content when it is
     * shorter), for {@link HeaderSection} and {@link HeaderFields} to read without touching the body. A header
     * section longer than {@link #HEAD_LIMIT} is cut there.
     *
     * @throws UncheckedIOException when the bytes cannot be read (a spool or pickup file gone)
     */
    byte[] head();

    /**
     * The {@code length} bytes from {@code offset}, read from this content when needed (not copied, unless it
     * is in memory anyway). Closing the slice does not close this content.
     */
    default MailContent slice(long offset, long length) {
        return new SlicedContent(this, offset, length);
    }

    /** Every byte, in memory: only for content known to be small. */
    default byte[] bytes() throws IOException {
        if (size() > Integer.MAX_VALUE - 8) {
            throw new IOException("a mail of " + size() + " bytes does not fit in a byte array");
        }
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }

    /** Writes every byte to {@code out}, streamed; {@code out} is left open. */
    default void writeTo(OutputStream out) throws IOException {
        try (InputStream in = open()) {
            in.transferTo(out);
        }
    }

    /** Releases what holds the bytes (deletes a spool file); nothing for memory or a caller's file. */
    @Override
    default void close() {
    }

    /** Content held in memory; the array is not copied and must not change. */
    static MailContent of(byte[] bytes) {
        return new BytesContent(bytes);
    }

    /**
     * {@code length} bytes of a file the caller owns, from {@code offset}: read when needed, never copied into
     * memory, never deleted. Reading fails if the file has become shorter meanwhile.
     */
    static MailContent ofFile(Path file, long offset, long length) {
        return new FileContent(file, offset, length, false);
    }

    /** {@code first} followed by {@code second}; closing it closes both. */
    static MailContent concat(MailContent first, MailContent second) {
        return new JoinedContent(first, second);
    }

    /**
     * {@code source} with every lone CR and every lone LF made CRLF, CRLF left as it is, the way
     * {@link HeaderFields#toCrlf(byte[])} does it, converted while it is read.
     *
     * @param convertedSize the size after conversion: the source's size plus one per lone CR or LF
     */
    static MailContent withCrlf(MailContent source, long convertedSize) {
        return new CrlfContent(source, convertedSize);
    }
}
