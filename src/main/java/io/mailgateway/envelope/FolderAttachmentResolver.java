package io.mailgateway.envelope;

import io.mailgateway.mail.RejectedMailException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The pickup folder's {@link AttachmentResolver}: a reference names a regular file relative to the folder the
 * envelope sits in, and must stay inside the pickup root.
 *
 * <p>Refused, each with a message naming the reference: empty names; absolute paths in Unix or Windows form
 * ({@code /x}, {@code C:\x}, {@code \\server\share}); any {@code ..} segment with either separator; control
 * characters; {@code :} (drive letters, NTFS alternate data streams); anything that normalises to outside the
 * pickup root; symbolic links, for the file itself and for any folder between the pickup root and the file;
 * directories and other non-regular files; missing files. Both {@code /} and {@code \} separate folders, so a
 * Windows tool's {@code sub\report.pdf} works on any host.
 *
 * <p>The checks cannot stop someone who can write to the pickup folder from swapping a folder for a link after
 * the check; {@link EnvelopeComposer} opens the file without following a final link, and the pickup folder is
 * a trust boundary: only the submitting tool may write there.
 */
public final class FolderAttachmentResolver implements AttachmentResolver {

    private static final Pattern SEPARATORS = Pattern.compile("[/\\\\]");
    private static final Pattern WINDOWS_DRIVE = Pattern.compile("^[A-Za-z]:.*", Pattern.DOTALL);

    private final Path root;
    private final Path realRoot;
    private final Path envelopeFolder;

    /**
     * @param pickupRoot the pickup folder; nothing outside it is ever returned
     * @param envelopeFolder the folder the envelope was found in, the pickup root or a folder below it
     * @throws IllegalArgumentException if the envelope folder is not inside the pickup root
     * @throws UncheckedIOException if the pickup root does not exist or cannot be read
     */
    public FolderAttachmentResolver(Path pickupRoot, Path envelopeFolder) {
        this.root = pickupRoot.toAbsolutePath().normalize();
        this.envelopeFolder = envelopeFolder.toAbsolutePath().normalize();
        if (!this.envelopeFolder.startsWith(root)) {
            throw new IllegalArgumentException("envelope folder " + envelopeFolder + " is not inside the pickup folder "
                + pickupRoot);
        }
        try {
            // the root itself may legitimately be reached through a link (e.g. a data dir on another volume)
            this.realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("pickup folder " + pickupRoot + " cannot be resolved", e);
        }
    }

    @Override
    public Path resolve(String reference) throws RejectedMailException {
        if (reference == null || reference.isBlank()) {
            throw new RejectedMailException("attachment file reference is empty");
        }
        String shown = "attachment '" + Printable.shown(reference) + "'";
        if (Printable.hasControl(reference)) {
            throw new RejectedMailException(shown + " refused: the name contains a control character");
        }
        if (reference.startsWith("/") || reference.startsWith("\\") || WINDOWS_DRIVE.matcher(reference).matches()) {
            throw new RejectedMailException(shown + " refused: absolute paths are not allowed, name a file next to"
                + " the envelope");
        }
        String[] segments = SEPARATORS.split(reference, -1);
        for (String segment : segments) {
            if (segment.equals("..")) {
                throw new RejectedMailException(shown + " refused: '..' is not allowed in a file reference");
            }
        }
        if (reference.indexOf(':') >= 0) {
            // a drive-relative path (C:x) or an NTFS alternate data stream (report.pdf:hidden)
            throw new RejectedMailException(shown + " refused: ':' is not allowed in a file name");
        }

        Path file;
        try {
            file = envelopeFolder.resolve(String.join("/", segments)).normalize();
        } catch (InvalidPathException e) {
            throw new RejectedMailException(shown + " refused: not a valid file name (" + e.getReason() + ")");
        }
        if (!file.startsWith(root) || file.equals(root)) {
            throw new RejectedMailException(shown + " refused: it is outside the pickup folder");
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new RejectedMailException(shown + " not found next to the envelope");
        }
        if (Files.isSymbolicLink(file)) {
            throw new RejectedMailException(shown + " refused: it is a symbolic link");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new RejectedMailException(shown + " refused: it is not a regular file");
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            throw new RejectedMailException(shown + " cannot be resolved: " + e.getMessage(), e);
        }
        // differs when a folder between the root and the file is a link (or, on a case-insensitive file
        // system, when the case differs: refusing that too is harmless)
        if (!real.equals(realRoot.resolve(root.relativize(file)))) {
            throw new RejectedMailException(shown + " refused: its folder is a symbolic link");
        }
        return file;
    }
}
