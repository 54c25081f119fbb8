package io.mailgateway.pickup;

import io.mailgateway.config.GatewayProperties.AfterSuccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Where a pickup file goes once it has been dealt with: {@code processed/DATE/} (or deleted) after its
 * mail is queued, {@code failed/} with a {@code NAME.reason.txt} when it can never become a mail. The
 * sub-folder the file was found in is kept below those, and a name already taken gets a time suffix, so
 * nothing is overwritten. Moves are renames within the pickup folder, so a file is always whole in one
 * place.
 */
final class PickupDisposition {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private final AfterSuccess afterSuccess;

    PickupDisposition(AfterSuccess afterSuccess) {
        this.afterSuccess = afterSuccess;
    }

    /** @return where the file went, or null when it was deleted */
    Path succeeded(Path root, Path file, List<Path> companions, LocalDateTime now) throws IOException {
        Path target = null;
        for (Path path : concat(file, companions)) {
            if (afterSuccess == AfterSuccess.DELETE) {
                Files.deleteIfExists(path);
            } else {
                Path moved = moveBelow(root, root.resolve(PickupFileFilter.PROCESSED).resolve(DAY.format(now)), path, now);
                if (path.equals(file)) {
                    target = moved;
                }
            }
        }
        return target;
    }

    /** @return the failed file's new place; its reason is next to it */
    Path failed(Path root, Path file, List<Path> companions, String reason, LocalDateTime now) throws IOException {
        Path failedDir = root.resolve(PickupFileFilter.FAILED);
        Path target = moveBelow(root, failedDir, file, now);
        for (Path companion : companions) {
            if (Files.exists(companion)) {
                moveBelow(root, failedDir, companion, now);
            }
        }
        // the platform's line ending: on Windows the reason is read in Notepad, which before Windows 10 1809
        // showed a file with bare LF as one line
        String newline = System.lineSeparator();
        String text = "file:   " + root.relativize(file) + newline
            + "failed: " + now + newline
            + "reason: " + reason + newline;
        Files.writeString(target.resolveSibling(target.getFileName() + ".reason.txt"), text, StandardCharsets.UTF_8);
        return target;
    }

    private static Path moveBelow(Path root, Path base, Path file, LocalDateTime now) throws IOException {
        Path relative = root.relativize(file);
        Path target = base.resolve(relative);
        Files.createDirectories(target.getParent());
        if (Files.exists(target)) {
            target = target.resolveSibling(STAMP.format(now) + "-" + target.getFileName());
        }
        return Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<Path> concat(Path file, List<Path> companions) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(file), companions.stream()).toList();
    }
}
