package io.mailgateway.smtp.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Hashes SMTP passwords for the users file with PBKDF2-HMAC-SHA256 from the JDK, so no native library or
 * extra dependency is needed on a Windows workstation.
 *
 * <p>Encoded form: {@code pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>} (standard Base64 with
 * padding), 16-byte random salt, 32-byte key, {@value #ITERATIONS} iterations (the OWASP 2023 figure for
 * PBKDF2-HMAC-SHA256). The iteration count is stored with each hash, so raising it later keeps old hashes
 * valid.
 */
public final class PasswordHasher {

    /** The prefix every encoded hash starts with, including its separator. */
    public static final String PREFIX = "pbkdf2-sha256$";
    private static final int ITERATIONS = 210_000;
    private static final int SALT_BYTES = 16;
    private static final int KEY_BYTES = 32;

    /**
     * A well-formed hash with the current parameters that no password matches in practice (an all-zero key):
     * verifying against it when a user is unknown costs the same PBKDF2 work as a wrong password, so response
     * time does not tell which users exist.
     */
    static final String DUMMY_HASH = PREFIX + ITERATIONS + "$"
        + Base64.getEncoder().encodeToString(new byte[SALT_BYTES]) + "$"
        + Base64.getEncoder().encodeToString(new byte[KEY_BYTES]);

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    // Bounds for what verify accepts from a file: a huge iteration count would let a bad line pin a CPU per
    // AUTH attempt, and odd key sizes are not something this class ever wrote.
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final int MIN_KEY_BYTES = 16;
    private static final int MAX_KEY_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHasher() {
    }

    /**
     * A fresh salted hash of {@code password}. The caller keeps ownership of {@code password} (and should
     * zero it); nothing here keeps a copy.
     */
    public static String hash(char[] password) {
        if (password == null) {
            throw new IllegalArgumentException("password must not be null");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] key = derive(password, salt, ITERATIONS, KEY_BYTES);
        try {
            Base64.Encoder base64 = Base64.getEncoder();
            return PREFIX + ITERATIONS + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Whether {@code password} matches {@code encoded}, compared in constant time. Returns {@code false},
     * never throws, for a null argument or an encoded string that is not in this class's format, so an
     * error message can never carry the hash.
     */
    public static boolean verify(char[] password, String encoded) {
        if (password == null) {
            return false;
        }
        Parsed parsed = parse(encoded);
        if (parsed == null) {
            return false;
        }
        byte[] actual = derive(password, parsed.salt, parsed.iterations, parsed.hash.length);
        try {
            return MessageDigest.isEqual(actual, parsed.hash);
        } finally {
            Arrays.fill(actual, (byte) 0);
        }
    }

    /** Whether {@code encoded} is in the format {@link #verify} accepts; used to check the users file and the console hash. */
    public static boolean isWellFormed(String encoded) {
        return parse(encoded) != null;
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String encoded) {
        if (encoded == null || !encoded.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > 9 || !parts[0].chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int iterations = Integer.parseInt(parts[0]);
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            return null;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[1]);
            byte[] hash = Base64.getDecoder().decode(parts[2]);
            if (salt.length == 0 || hash.length < MIN_KEY_BYTES || hash.length > MAX_KEY_BYTES) {
                return null;
            }
            return new Parsed(iterations, salt, hash);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int keyBytes) {
        // PBEKeySpec copies the password; clearPassword zeroes that copy.
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, keyBytes * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // every Java 17 runtime ships this algorithm; without it no password can be checked at all
            throw new IllegalStateException(ALGORITHM + " is not available in this Java runtime", e);
        } finally {
            spec.clearPassword();
        }
    }
}
