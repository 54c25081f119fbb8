package io.mailgateway.console.access;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.files.AtomicFiles;
import io.mailgateway.smtp.auth.PasswordHasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one console login: {@code gateway.console.username} with {@code gateway.console.password}, or, when no
 * password is configured, a password generated at the first start. The generated password is printed once in
 * the log and only its PBKDF2 hash is kept, in {@code ${data-dir}/console/password.hash}; deleting that file
 * makes the next start generate and print a new one. A configured password is hashed in memory at start, so
 * neither form keeps the password itself around.
 */
public final class ConsoleCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCredentials.class);
    private static final String HASH_FILE = "password.hash";
    // no look-alike characters (0/O, 1/l/I): the password is read off a log and typed in
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final int GENERATED_LENGTH = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String username;
    private final String passwordHash;

    ConsoleCredentials(String username, String passwordHash) {
        this.username = username;
        this.passwordHash = passwordHash;
    }

    /** Reads, hashes or generates the console credentials as described above. */
    public static ConsoleCredentials load(GatewayProperties.Console settings, Path dataDir) throws IOException {
        if (settings.passwordConfigured()) {
            char[] password = settings.getPassword().toCharArray();
            try {
                return new ConsoleCredentials(settings.getUsername(), PasswordHasher.hash(password));
            } finally {
                Arrays.fill(password, '\0');
            }
        }
        Path hashFile = dataDir.resolve("console").resolve(HASH_FILE);
        if (Files.isRegularFile(hashFile)) {
            String stored = Files.readString(hashFile, StandardCharsets.US_ASCII).strip();
            if (!stored.startsWith(PasswordHasher.PREFIX)) {
                throw new IllegalStateException(hashFile + " does not hold a password hash; delete it and restart"
                    + " to generate a new console password, or set gateway.console.password");
            }
            return new ConsoleCredentials(settings.getUsername(), stored);
        }
        char[] generated = generate();
        try {
            String hash = PasswordHasher.hash(generated);
            Files.createDirectories(hashFile.getParent());
            AtomicFiles.replace(hashFile, (hash + System.lineSeparator()).getBytes(StandardCharsets.US_ASCII),
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), temp -> { });
            // The one place a secret is logged, on purpose: there is no other way to hand it to the operator.
            LOG.warn("Console login generated: user '{}', password '{}'. It is shown only this once; only its"
                    + " hash is kept, in {}. To choose your own, set gateway.console.password; to get a new one,"
                    + " delete that file and restart.", settings.getUsername(), new String(generated), hashFile);
            return new ConsoleCredentials(settings.getUsername(), hash);
        } finally {
            Arrays.fill(generated, '\0');
        }
    }

    /** Whether this is the console user with the right password. Compares the name in constant time too. */
    public boolean verify(String user, char[] password) {
        if (user == null || password == null) {
            return false;
        }
        boolean nameMatches = MessageDigest.isEqual(
            user.getBytes(StandardCharsets.UTF_8), username.getBytes(StandardCharsets.UTF_8));
        // always pay for the hash, so a wrong name is not told apart by timing
        boolean passwordMatches = PasswordHasher.verify(password, passwordHash);
        return nameMatches && passwordMatches;
    }

    public String username() {
        return username;
    }

    static char[] generate() {
        char[] password = new char[GENERATED_LENGTH];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return password;
    }
}
