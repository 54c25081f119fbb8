package io.mailgateway.smtp.tls;

import io.mailgateway.files.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes the PEM files of a listener certificate. Every failure is an
 * {@link IllegalStateException} whose message starts with {@code what} (the setting or file role) and
 * names the path and the reason.
 */
final class PemFiles {

    private static final Logger log = LoggerFactory.getLogger(PemFiles.class);

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private PemFiles() {
    }

    /** The certificates of {@code file} in file order (leaf first by convention); at least one. */
    static List<X509Certificate> readCertificateChain(Path file, String what) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = parser(file)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw unreadable(what, file, e);
        }
        if (chain.isEmpty()) {
            throw new IllegalStateException(what + ": no certificate in " + file
                + " (expected a PEM block -----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    /**
     * The one private key of {@code file}: PKCS#8 {@code PRIVATE KEY}, or the traditional OpenSSL
     * {@code RSA PRIVATE KEY} / {@code EC PRIVATE KEY}. Other blocks (EC parameters, certificates) are
     * skipped; encrypted keys and files with more than one key are refused.
     */
    static PrivateKey readPrivateKey(Path file, String what) {
        List<PrivateKeyInfo> keys = new ArrayList<>();
        boolean encrypted = false;
        try (PEMParser parser = parser(file)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof PrivateKeyInfo info) {
                    keys.add(info);
                } else if (object instanceof PEMKeyPair pair) {
                    keys.add(pair.getPrivateKeyInfo());
                } else if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                    encrypted = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw unreadable(what, file, e);
        }
        if (encrypted) {
            // the gateway starts unattended: there is nobody to type a passphrase
            throw new IllegalStateException(what + ": the key in " + file + " is encrypted; give it unencrypted"
                + " (e.g. `openssl pkey -in encrypted.pem -out key.pem`) and protect the file with owner-only"
                + " permissions instead");
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException(what + ": no private key in " + file + " (expected a PEM block"
                + " -----BEGIN PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
        }
        if (keys.size() > 1) {
            throw new IllegalStateException(what + ": " + file + " holds " + keys.size()
                + " private keys; it must hold exactly one");
        }
        warnIfReadableByOthers(file, what);
        try {
            return new JcaPEMKeyConverter().getPrivateKey(keys.get(0));
        } catch (IOException | RuntimeException e) {
            throw unreadable(what, file, e);
        }
    }

    /** Writes the certificates as PEM, atomically, readable by everyone (a certificate is public). */
    static void writeCertificateChain(Path file, List<X509Certificate> chain) throws IOException {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            for (X509Certificate certificate : chain) {
                writer.writeObject(certificate);
            }
        }
        writeAtomically(file, pem.toString().getBytes(StandardCharsets.US_ASCII), WORLD_READABLE);
    }

    /** Writes the key as unencrypted PKCS#8 PEM, atomically, owner-only where POSIX permissions exist. */
    static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        }
        writeAtomically(file, pem.toString().getBytes(StandardCharsets.US_ASCII), OWNER_ONLY);
    }

    static void writeAtomically(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        AtomicFiles.replace(target, content, permissions, temp -> { });
    }

    static boolean posix(Path path) {
        return AtomicFiles.supportsPosix(path);
    }

    /** The reason of an I/O or parse failure in words, without the exception class soup. */
    static String reason(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String message = e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : e.getClass().getSimpleName();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += ": " + cause.getMessage();
        }
        return message;
    }

    private static IllegalStateException unreadable(String what, Path file, Exception e) {
        return new IllegalStateException(what + ": cannot read " + file + ": " + reason(e), e);
    }

    private static PEMParser parser(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("is a directory, not a file");
        }
        // ISO-8859-1 decodes any byte: a binary file then reads as "no PEM block" instead of a decoder error
        Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
        return new PEMParser(reader);
    }

    private static void warnIfReadableByOthers(Path file, String what) {
        if (!posix(file)) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("[smtpd] {}: private key {} is readable by group or others ({}); chmod 600 it",
                    what, file, PosixFilePermissions.toString(permissions));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // only a warning; reading the key already succeeded
        }
    }
}
