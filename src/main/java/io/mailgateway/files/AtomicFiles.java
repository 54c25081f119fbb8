package io.mailgateway.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Replacing a file so that a crash leaves either the old content or the new, never a truncated file, and a
 * secret is never readable by others, not even for a moment: the content goes to a temporary file beside
 * the target (created with the final permissions where the file system has POSIX permissions; on Windows
 * it gets the folder's ACL), is forced to disk, then renamed over the target, and the folder is forced too
 * so that the rename itself survives a power loss.
 */
public final class AtomicFiles {

    private static final boolean WINDOWS =
        System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    private static final int MOVE_ATTEMPTS = 5;

    private AtomicFiles() {
    }

    /** What goes into the file, written to a stream (a large export is never held in memory). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * @param beforeMove called with the temporary file just before the rename (e.g. to copy an owner)
     */
    public static void replace(Path target, byte[] content, Set<PosixFilePermission> permissions,
                               Consumer<Path> beforeMove) throws IOException {
        replace(target, out -> out.write(content), permissions, beforeMove);
    }

    /**
     * @param content writes the new content; the stream must not be closed by it
     * @param beforeMove called with the temporary file just before the rename (e.g. to copy an owner)
     */
    public static void replace(Path target, Content content, Set<PosixFilePermission> permissions,
                               Consumer<Path> beforeMove) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        boolean posix = supportsPosix(dir);
        String prefix = "." + target.getFileName() + ".";
        Path temp = posix
            ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(permissions))
            : Files.createTempFile(dir, prefix, ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            if (posix) {
                // the creation mode was narrowed by the umask; set exactly what was asked for
                Files.setPosixFilePermissions(temp, permissions);
            }
            beforeMove.accept(temp);
            moveOver(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
    }

    /** Makes the rename durable where the platform allows opening a directory (not on Windows). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the data itself was forced before the move
        }
    }

    /**
     * Renames {@code temp} over {@code target}. On Windows a rename over a file that another process holds
     * open (an antivirus scanner, the search indexer, a backup agent, typically for milliseconds) fails with
     * "access denied"; a few short retries ride that out instead of failing the write.
     */
    private static void moveOver(Path temp, Path target) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                return;
            } catch (AccessDeniedException e) {
                if (!WINDOWS || attempt == MOVE_ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    public static boolean supportsPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
