package io.mailgateway.mail;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a mail too large to hold in memory waits while the gateway works on it: a file in one folder
 * ({@code ${gateway.data-dir}/spool}), deleted as soon as its mail is queued, delivered or given up. A spool
 * file is never the durable copy of a mail (the broker's journal is), so whatever a crash leaves behind is
 * deleted at the next start ({@link #clean()}).
 *
 * <p>An {@link Output} keeps the first {@code memoryLimit} bytes in memory and moves to a spool file only
 * when more come, so the many small mails never touch the disk twice.
 */
public final class MailSpool {

    /** Bytes kept in memory before an output moves to a file. */
    public static final int DEFAULT_MEMORY_LIMIT = 256 * 1024;

    private static final String SUFFIX = ".spool";

    private final Path folder;
    private final int memoryLimit;

    public MailSpool(Path folder, int memoryLimit) {
        this.folder = folder.toAbsolutePath().normalize();
        if (memoryLimit < 0) {
            throw new IllegalArgumentException("memoryLimit must not be negative");
        }
        this.memoryLimit = memoryLimit;
    }

    public Path folder() {
        return folder;
    }

    /**
     * Creates the folder and deletes the spool files a previous run left behind (a crash, a kill -9): their
     * mails are in the broker or were never acknowledged. Call once at start, before anything spools.
     *
     * @return how many files were deleted
     */
    public int clean() throws IOException {
        Files.createDirectories(folder);
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                if (Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** A new, empty output. */
    public Output output() {
        return new Output();
    }

    /**
     * Collects one mail's bytes. Use it like this:
     * <pre>{@code
     * MailSpool.Output out = spool.output();
     * try {
     *     ... write ...
     *     MailContent content = out.toContent(); // the content now owns the file: close it when done
     * } finally {
     *     out.discard(); // deletes the file unless toContent() handed it over
     * }
     * }</pre>
     * {@link #close()} only ends writing (so a library that closes the stream it was given does no harm).
     * Not thread-safe: one writer at a time.
     */
    public final class Output extends OutputStream {
        private ByteArrayOutputStream memory = new ByteArrayOutputStream(8192);
        private Path file;
        private OutputStream fileOut;
        private long size;
        private boolean closed;
        private boolean handedOver;

        private Output() {
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, bytes.length);
            if (closed) {
                throw new IOException("spool output already closed");
            }
            if (fileOut == null && memory.size() + (long) len > memoryLimit) {
                toFile();
            }
            if (fileOut != null) {
                fileOut.write(bytes, off, len);
            } else {
                memory.write(bytes, off, len);
            }
            size += len;
        }

        private void toFile() throws IOException {
            Files.createDirectories(folder);
            // createTempFile: owner-only permissions where the file system has them; a mail is private
            file = Files.createTempFile(folder, "mail-", SUFFIX);
            fileOut = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
            memory.writeTo(fileOut);
            memory = null;
        }

        /** Bytes written so far. */
        public long size() {
            return size;
        }

        @Override
        public void flush() throws IOException {
            if (fileOut != null) {
                fileOut.flush();
            }
        }

        /** Ends writing; the bytes stay until {@link #discard()} or the content's close. Idempotent. */
        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                if (fileOut != null) {
                    fileOut.close();
                }
            }
        }

        /**
         * Ends writing and hands the bytes over: in memory, or a spool file that closing the content deletes.
         */
        public MailContent toContent() throws IOException {
            close();
            handedOver = true;
            return file == null ? MailContent.of(memory.toByteArray()) : new FileContent(file, 0, size, true);
        }

        /** Deletes the spool file, unless {@link #toContent()} handed it over. Safe to call more than once. */
        public void discard() {
            if (handedOver) {
                return;
            }
            try {
                close();
            } catch (IOException e) {
                // deleting it is all that is left to do
            }
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // the next start empties the spool folder
                }
            }
            memory = null;
        }
    }
}
