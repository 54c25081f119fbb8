package io.mailgateway.smtp.auth;

import io.mailgateway.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Edits the users file for {@code add-user}: replaces or adds one user's lines and keeps every other line,
 * comment and blank line as it was, then swaps the file in atomically so the gateway, which re-reads it while
 * running, never sees half a file.
 */
final class UsersFileWriter {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private UsersFileWriter() {
    }

    /**
     * The users-file text with {@code name} set to {@code passwordHash}.
     *
     * <p>An existing entry for the name (matched ignoring case, like the gateway does) is replaced where it
     * stands; otherwise the user is appended. {@code senders} replaces the user's sender patterns; blank
     * removes them (any sender); {@code null} keeps whatever the file has, so rotating a password never
     * silently widens what the user may send as.
     */
    static String withUser(String existing, String name, String passwordHash, String senders) {
        String newline = existing.contains("\r\n") ? "\r\n" : existing.isEmpty() ? System.lineSeparator() : "\n";
        String id = name.toLowerCase(Locale.ROOT);
        String sendersId = id + SmtpUsers.SENDERS_SUFFIX;

        List<List<String>> entries = logicalLines(existing);
        List<String> keptSenders = null;
        for (List<String> entry : entries) {
            if (sendersId.equals(keyOf(entry.get(0)))) {
                keptSenders = entry;
            }
        }
        List<String> replacement = new ArrayList<>();
        replacement.add(name + "=" + passwordHash);
        if (senders == null) {
            if (keptSenders != null) {
                replacement.addAll(keptSenders);
            }
        } else {
            List<String> patterns = splitKeepingCase(senders);
            if (!patterns.isEmpty()) {
                replacement.add(name + SmtpUsers.SENDERS_SUFFIX + "=" + String.join(", ", patterns));
            }
        }

        List<String> out = new ArrayList<>();
        if (existing.isEmpty()) {
            out.add("# SMTP users of the mail gateway: NAME=<hash> and optionally NAME.senders=<MAIL FROM patterns>.");
            out.add("# Written by `java -jar mail-gateway.jar add-user NAME`; other lines and comments are kept.");
        }
        boolean placed = false;
        for (List<String> entry : entries) {
            String key = keyOf(entry.get(0));
            if (id.equals(key) || sendersId.equals(key)) {
                if (!placed) {
                    out.addAll(replacement);
                    placed = true;
                }
                continue;
            }
            out.addAll(entry);
        }
        if (!placed) {
            out.addAll(replacement);
        }
        return String.join(newline, out) + newline;
    }

    /**
     * Replaces {@code file} with {@code content}: written to a temporary file in the same folder (owner-only
     * where the file system has POSIX permissions), flushed to disk, then moved over the old file
     * ({@link AtomicFiles#replace}).
     */
    static void replaceAtomically(Path file, String content) throws IOException {
        // writing through a symbolic link (a mounted secret, a shared config folder) keeps the link
        Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        AtomicFiles.replace(target, content.getBytes(StandardCharsets.UTF_8), OWNER_ONLY,
            temp -> {
                if (AtomicFiles.supportsPosix(dir)) {
                    keepOwner(target, temp);
                }
            });
    }

    /**
     * When root runs add-user on a file owned by the gateway's service account, the replacement would
     * otherwise belong to root and, being owner-only, be unreadable by the gateway.
     */
    private static void keepOwner(Path existing, Path replacement) {
        try {
            if (Files.exists(existing)) {
                Files.setOwner(replacement, Files.getOwner(existing));
            }
        } catch (IOException | UnsupportedOperationException | SecurityException notPermitted) {
            // not root: the file is then ours, as it was before if we could write it
        }
    }

    /** Splits {@code senders} into trimmed, non-blank patterns as the user typed them. */
    private static List<String> splitKeepingCase(String senders) {
        List<String> patterns = new ArrayList<>();
        for (String part : senders.split(",")) {
            if (!part.isBlank()) {
                patterns.add(part.trim());
            }
        }
        return patterns;
    }

    /**
     * Groups physical lines into properties-file logical lines: a line ending in an odd number of backslashes
     * continues on the next one. Comment and blank lines are never continued (java.util.Properties rules).
     */
    private static List<List<String>> logicalLines(String text) {
        List<String> physical = text.lines().toList();
        List<List<String>> entries = new ArrayList<>();
        int i = 0;
        while (i < physical.size()) {
            List<String> entry = new ArrayList<>();
            String line = physical.get(i++);
            entry.add(line);
            if (keyOf(line) != null) {
                while (continues(line) && i < physical.size()) {
                    line = physical.get(i++);
                    entry.add(line);
                }
            }
            entries.add(entry);
        }
        return entries;
    }

    private static boolean continues(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** The lower-cased key of a properties line, or {@code null} for a comment or blank line. */
    static String keyOf(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t' || line.charAt(i) == '\f')) {
            i++;
        }
        if (i == line.length() || line.charAt(i) == '#' || line.charAt(i) == '!') {
            return null;
        }
        StringBuilder key = new StringBuilder();
        for (; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                key.append(line.charAt(++i));
            } else if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f') {
                break;
            } else {
                key.append(c);
            }
        }
        return key.toString().toLowerCase(Locale.ROOT);
    }
}
