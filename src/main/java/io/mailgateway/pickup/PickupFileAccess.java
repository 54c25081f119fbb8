package io.mailgateway.pickup;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Set;

/**
 * How a pickup file is opened for reading. On Windows it is opened denying write access to others
 * ({@code FILE_SHARE_WRITE} left out), which Windows refuses with "being used by another process" while the
 * writing tool still holds the file open for writing, and which keeps any writer out until the file has been
 * read. NTFS updates the size and time in the directory listing lazily while a file is open, so the
 * stable-time check alone can be fooled there by a slow writer; this refusal cannot. The file is then left in
 * place and tried at the next scan. Other systems have no such sharing mode; there the stable-time check
 * stands alone.
 */
final class PickupFileAccess {

    static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private static final Set<OpenOption> READ_DENYING_WRITERS = WINDOWS
        ? Set.of(StandardOpenOption.READ, ExtendedOpenOption.NOSHARE_WRITE)
        : Set.of(StandardOpenOption.READ);

    private PickupFileAccess() {
    }

    /** @throws java.nio.file.FileSystemException on Windows while another process has the file open for writing */
    static FileChannel openDenyingWriters(Path file) throws IOException {
        return FileChannel.open(file, READ_DENYING_WRITERS);
    }
}
