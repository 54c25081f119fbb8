package io.mailgateway.console.access;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.files.AtomicFiles;
import io.mailgateway.smtp.auth.PasswordHasher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one console login: {@code gateway.console.username} with {@code gateway.console.password}, or, when no
 * password is configured, a password generated at the first start. The generated password is printed once in
 * the log and only its PBKDF2 hash is kept, in {@code ${data-dir}/console/password.hash}; deleting that file
 * makes the next start generate and print a new one. A configured password is hashed in memory at start, so
 * neither form keeps the password itself around; that hash is computed on a thread of its own, because on a
 * small machine PBKDF2 takes a good part of a second the start (and the first SMTP greeting) need not wait
 * for. A login that comes sooner waits for it.
 *
 * <p>A PBKDF2 check costs a noticeable slice of CPU by design, and it would be paid on every request that
 * brings HTTP Basic: Hawtio runs the JAAS login for each such Jolokia request (scripts keep no session) and
 * send-test polls /actuator/deliveries twice a second. So the login that last passed is remembered as an
 * HMAC under a key that exists only in this process, and the same login again costs one HMAC. Anything else
 * (a wrong name or password) still pays the full PBKDF2, which keeps guessing slow.
 */
public final class ConsoleCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCredentials.class);
    private static final String HASH_FILE = "password.hash";
    // no look-alike characters (0/O, 1/l/I): the password is read off a log and typed in
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final int GENERATED_LENGTH = 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String MAC = "HmacSHA256";

    private final String username;
    private final CompletableFuture<String> passwordHash;
    private final BiPredicate<char[], String> slowCheck;
    private final SecretKeySpec rememberKey;
    /** HMAC of the name and password that last passed the slow check, or null. */
    private volatile byte[] lastPassed;

    ConsoleCredentials(String username, String passwordHash) {
        this(username, passwordHash, PasswordHasher::verify);
    }

    /** @param slowCheck the PBKDF2 check; tests count its calls */
    ConsoleCredentials(String username, String passwordHash, BiPredicate<char[], String> slowCheck) {
        this(username, CompletableFuture.completedFuture(passwordHash), slowCheck);
    }

    private ConsoleCredentials(String username, CompletableFuture<String> passwordHash,
                               BiPredicate<char[], String> slowCheck) {
        this.username = username;
        this.passwordHash = passwordHash;
        this.slowCheck = slowCheck;
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        this.rememberKey = new SecretKeySpec(key, MAC);
    }

    /** Reads, hashes or generates the console credentials as described above. */
    public static ConsoleCredentials load(GatewayProperties.Console settings, Path dataDir) throws IOException {
        if (settings.passwordConfigured()) {
            char[] password = settings.getPassword().toCharArray();
            CompletableFuture<String> hash = CompletableFuture.supplyAsync(() -> {
                try {
                    return PasswordHasher.hash(password);
                } finally {
                    Arrays.fill(password, '\0');
                }
            }, ConsoleCredentials::hashingThread);
            return new ConsoleCredentials(settings.getUsername(), hash, PasswordHasher::verify);
        }
        Path hashFile = dataDir.resolve("console").resolve(HASH_FILE);
        if (Files.isRegularFile(hashFile)) {
            String stored = Files.readString(hashFile, StandardCharsets.US_ASCII).strip();
            if (!PasswordHasher.isWellFormed(stored)) {
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
        byte[] login = mac(user, password);
        byte[] known = lastPassed;
        if (known != null && MessageDigest.isEqual(login, known)) {
            return true;
        }
        boolean nameMatches = MessageDigest.isEqual(
            user.getBytes(StandardCharsets.UTF_8), username.getBytes(StandardCharsets.UTF_8));
        // always pay for the hash, so a wrong name is not told apart by timing
        boolean passwordMatches = slowCheck.test(password, passwordHash.join());
        if (nameMatches && passwordMatches) {
            lastPassed = login;
            return true;
        }
        return false;
    }

    private byte[] mac(String user, char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(rememberKey);
            // the name's length first, so no other split of the same characters gives the same input
            byte[] name = user.getBytes(StandardCharsets.UTF_8);
            mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(name.length).array());
            mac.update(name);
            return mac.doFinal(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is part of every JDK", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
        }
    }

    private static void hashingThread(Runnable hashing) {
        Thread thread = new Thread(hashing, "console-password-hash");
        thread.setDaemon(true);
        thread.start();
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
