package io.mailgateway.smtp.auth;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP users file ({@code gateway.smtp.users-file}): who may AUTH and which envelope senders each may use.
 *
 * <p>A Java properties file in UTF-8, one line per user, written by {@code add-user}; comments are allowed:
 * <pre>
 * alice=pbkdf2-sha256$210000$...$...
 * alice.senders=*@example.com, reports@example.org
 * </pre>
 * A user name is 1 to 64 characters of {@code [A-Za-z0-9._@+-]} and is matched case-insensitively; a key
 * ending in {@code .senders} always holds sender patterns, so no user name may end in {@code .senders}. The
 * senders value is a comma-separated list of MAIL FROM patterns in which {@code *} matches any run of
 * characters (also none), compared case-insensitively with the whole address; empty or missing means the user
 * may use any sender.
 *
 * <p>The file is re-read when its modification time, size or identity changes, checked at most once a second,
 * so {@code add-user} takes effect without a restart. If a re-read finds the file unreadable or malformed, the
 * gateway fails closed: no user can authenticate until the file is fixed (an error is logged once per change),
 * because keeping the old users would keep a user an operator just tried to remove. Thread-safe.
 */
public final class SmtpUsers {

    private static final Logger log = LoggerFactory.getLogger(SmtpUsers.class);

    static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");
    static final String SENDERS_SUFFIX = ".senders";
    private static final long RECHECK_MILLIS = 1_000;

    private final Path file;
    private final Clock clock;
    private final Object reloadLock = new Object();
    private volatile Snapshot snapshot;
    private volatile long lastCheckMillis;

    private SmtpUsers(Path file, Clock clock, Snapshot snapshot) {
        this.file = file;
        this.clock = clock;
        this.snapshot = snapshot;
        this.lastCheckMillis = clock.millis();
    }

    /**
     * Reads {@code file}. A missing file means no users (AUTH then always fails).
     *
     * @throws IllegalStateException naming the file, and the key when one line is at fault, if the file cannot
     *     be read or a line is malformed; the message never contains a hash
     */
    public static SmtpUsers load(Path file) {
        return load(file, Clock.systemUTC());
    }

    /** As {@link #load(Path)}, with the clock that paces the re-read checks (tests move it forward). */
    static SmtpUsers load(Path file, Clock clock) {
        Objects.requireNonNull(file, "file");
        return new SmtpUsers(file, clock, read(file));
    }

    /**
     * Checks a user's password.
     *
     * <p>Takes about the same time whether the user exists or not. The caller keeps ownership of
     * {@code password} and should zero it afterwards.
     *
     * @param user the name the client sent, matched case-insensitively
     * @return the user's name as spelled in the file (the canonical name to record as the authenticated
     *     user), or empty when the user is unknown or the password is wrong
     */
    public Optional<String> authenticate(String user, char[] password) {
        User found = current().find(user);
        String encoded = found != null ? found.passwordHash() : PasswordHasher.DUMMY_HASH;
        boolean matches = PasswordHasher.verify(password == null ? new char[0] : password, encoded);
        return found != null && matches ? Optional.of(found.name()) : Optional.empty();
    }

    /**
     * Whether {@code user} may use {@code mailFrom} as the envelope sender.
     *
     * @param user a name as returned by {@link #authenticate}; an unknown user may send as nobody
     * @param mailFrom the MAIL FROM address without angle brackets, as subethasmtp hands it over; {@code ""}
     *     (or {@code null}) is the null reverse-path {@code <>} used by bounces
     * @return {@code true} when the user has no sender patterns, or one of them matches the whole address
     *     ignoring case. The null sender is allowed only to a user without patterns or with a pattern that
     *     matches the empty string, such as {@code *}.
     */
    public boolean maySendAs(String user, String mailFrom) {
        User found = current().find(user);
        if (found == null) {
            return false;
        }
        if (found.senderPatterns().isEmpty()) {
            return true;
        }
        String address = mailFrom == null ? "" : mailFrom.toLowerCase(Locale.ROOT);
        for (String pattern : found.senderPatterns()) {
            if (Glob.matches(pattern, address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the file currently defines no user (missing, empty, or broken since the last good read). */
    public boolean isEmpty() {
        return current().users().isEmpty();
    }

    private Snapshot current() {
        long now = clock.millis();
        long last = lastCheckMillis;
        // a clock stepped backwards also triggers a check instead of stalling reloads until it catches up
        if (now - last >= RECHECK_MILLIS || now < last) {
            synchronized (reloadLock) {
                if (lastCheckMillis == last) {
                    lastCheckMillis = now;
                    reloadIfChanged();
                }
            }
        }
        return snapshot;
    }

    private void reloadIfChanged() {
        Stamp stamp;
        try {
            stamp = Stamp.of(file);
        } catch (IOException e) {
            stamp = Stamp.UNREADABLE;
        }
        if (Objects.equals(stamp, snapshot.stamp())) {
            return;
        }
        try {
            snapshot = read(file);
            log.info("[smtpd] users file {} re-read: {} user(s)", file, snapshot.users().size());
        } catch (IllegalStateException e) {
            // fail closed; remembering the stamp keeps this from being logged once a second
            snapshot = new Snapshot(stamp, Map.of());
            log.error("[smtpd] {}; AUTH refuses everyone until the file is fixed", e.getMessage());
        }
    }

    private static Snapshot read(Path file) {
        try {
            // the stamp is taken before reading: a write racing with the read changes the stamp again later
            Stamp stamp = Stamp.of(file);
            if (stamp == null) {
                return new Snapshot(null, Map.of());
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return new Snapshot(stamp, parse(text, file.toString()));
        } catch (NoSuchFileException gone) {
            return new Snapshot(null, Map.of());
        } catch (IOException e) {
            // MalformedInputException (not UTF-8) lands here too; its message holds no file content
            throw new IllegalStateException("users file " + file + " cannot be read: " + e, e);
        }
    }

    /**
     * Parses users-file text into users keyed by lower-cased name.
     *
     * @throws IllegalStateException naming {@code source} and the offending key
     */
    static Map<String, User> parse(String text, String source) {
        Properties properties = new Properties();
        // Notepad before Windows 10 1903 saved UTF-8 with a byte order mark; it is not part of the first name
        String withoutBom = text.startsWith("\uFEFF") ? text.substring(1) : text;
        try (Reader reader = new StringReader(withoutBom)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape; its message holds no value worth hiding
            throw new IllegalStateException("users file " + source + " is malformed: " + e.getMessage(), e);
        }
        Map<String, String> hashes = new HashMap<>();
        Map<String, String> senders = new HashMap<>();
        Map<String, String> spelling = new HashMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            String value = properties.getProperty(key).trim();
            boolean isSenders = key.endsWith(SENDERS_SUFFIX);
            String name = isSenders ? key.substring(0, key.length() - SENDERS_SUFFIX.length()) : key;
            if (!USER_NAME.matcher(name).matches()) {
                throw malformed(source, key, "not a user name (1-64 characters of A-Z a-z 0-9 . _ @ + -)");
            }
            String id = name.toLowerCase(Locale.ROOT);
            if (isSenders) {
                if (senders.put(id, value) != null) {
                    throw malformed(source, key, "sender patterns given twice for the same user, ignoring case");
                }
            } else {
                if (!PasswordHasher.isWellFormed(value)) {
                    // never quote the value: it is (meant to be) a password hash, or worse a plain password
                    throw malformed(source, key, "value is not a pbkdf2-sha256 hash written by add-user");
                }
                if (hashes.put(id, value) != null) {
                    throw malformed(source, key, "the same user name appears twice, ignoring case");
                }
                spelling.put(id, name);
            }
        }
        Map<String, User> users = new HashMap<>();
        for (Map.Entry<String, String> entry : senders.entrySet()) {
            if (!hashes.containsKey(entry.getKey())) {
                throw malformed(source, entry.getKey() + SENDERS_SUFFIX, "sender patterns for a user without a password line");
            }
        }
        for (Map.Entry<String, String> entry : hashes.entrySet()) {
            String id = entry.getKey();
            List<String> patterns = senderPatterns(senders.getOrDefault(id, ""));
            users.put(id, new User(spelling.get(id), entry.getValue(), patterns));
        }
        return Map.copyOf(users);
    }

    /** Splits a senders value into lower-cased patterns; blank entries are ignored. */
    static List<String> senderPatterns(String value) {
        List<String> patterns = new ArrayList<>();
        for (String part : value.split(",")) {
            String pattern = part.trim();
            if (!pattern.isEmpty()) {
                patterns.add(pattern.toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(patterns);
    }

    private static IllegalStateException malformed(String source, String key, String problem) {
        return new IllegalStateException("users file " + source + ", key '" + key + "': " + problem);
    }

    record User(String name, String passwordHash, List<String> senderPatterns) {

        @Override
        public String toString() {
            // a record's default toString would print the hash into any log line that shows a User
            return "User[" + name + ", senders=" + senderPatterns + "]";
        }
    }

    private record Snapshot(Stamp stamp, Map<String, User> users) {

        User find(String name) {
            return name == null ? null : users.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * What identifies one version of the file. The file key (inode) changes on every atomic replace by
     * add-user, so a change is seen even where modification times are coarse.
     */
    private record Stamp(FileTime modified, long size, Object fileKey) {

        /** Stands for "the attributes could not be read", so such a file is not mistaken for a missing one. */
        static final Stamp UNREADABLE = new Stamp(FileTime.fromMillis(0), -1, null);

        /** The file's stamp, or {@code null} when it does not exist. */
        static Stamp of(Path file) throws IOException {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
            } catch (NoSuchFileException missing) {
                return null;
            }
        }
    }

    /** {@code *} wildcard matching over lower-cased text, without regular expressions (no backtracking blow-up). */
    static final class Glob {

        private Glob() {
        }

        static boolean matches(String pattern, String text) {
            int p = 0;
            int t = 0;
            int star = -1;
            int resume = 0;
            while (t < text.length()) {
                if (p < pattern.length() && pattern.charAt(p) == '*') {
                    star = p++;
                    resume = t;
                } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
                    p++;
                    t++;
                } else if (star >= 0) {
                    p = star + 1;
                    t = ++resume;
                } else {
                    return false;
                }
            }
            while (p < pattern.length() && pattern.charAt(p) == '*') {
                p++;
            }
            return p == pattern.length();
        }
    }
}
