package io.mailgateway.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * {@link MailContent} in a file: a region of a pickup file (left alone on close), or a whole spool file
 * (deleted on close). Read on demand, never copied into memory.
 */
final class FileContent extends StreamedContent {

    private final Path file;
    private final long offset;
    private final long length;
    private final boolean deleteOnClose;

    FileContent(Path file, long offset, long length, boolean deleteOnClose) {
        this.file = Objects.requireNonNull(file, "file");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative");
        }
        this.offset = offset;
        this.length = length;
        this.deleteOnClose = deleteOnClose;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public InputStream open() throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            channel.position(offset);
            return new BoundedInputStream(Channels.newInputStream(channel), length);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    UncheckedIOException unreadable(IOException e) {
        return new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }

    /** Another region of the same file; it never deletes the file, whatever this one does. */
    @Override
    public MailContent slice(long from, long count) {
        SlicedContent.checkBounds(from, count, length);
        return new FileContent(file, offset + from, count, false);
    }

    @Override
    public void close() {
        if (deleteOnClose) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the next start empties the spool folder anyway
            }
        }
    }

    @Override
    public String toString() {
        return "FileContent[" + file + ", " + offset + "+" + length + "]";
    }
}
