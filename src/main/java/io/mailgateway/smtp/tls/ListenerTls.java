package io.mailgateway.smtp.tls;

import io.mailgateway.config.GatewayProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners' TLS identity: one certificate and key, an {@link SSLContext} over them, and the server
 * policy (TLS 1.3 and 1.2, forward-secret AEAD suites, no client certificates). Immutable and thread-safe;
 * load it once at start and share it between listeners.
 *
 * <p>Where the certificate comes from, first match wins:
 * <ol>
 *   <li>{@code gateway.smtp.tls.keystore}: a PKCS#12 file with exactly one private-key entry, opened with
 *       {@code gateway.smtp.tls.keystore-password};</li>
 *   <li>{@code gateway.smtp.tls.certificate} + {@code gateway.smtp.tls.private-key}: PEM chain (leaf first)
 *       and its unencrypted PEM key;</li>
 *   <li>otherwise a self-signed certificate generated at first start into
 *       {@code ${gateway.data-dir}/tls/gateway-cert.pem} and {@code gateway-key.pem}, and loaded from there
 *       on later starts. It is replaced only when it has expired or expires within 30 days.</li>
 * </ol>
 * Any file that cannot be read, parsed or paired fails {@link #load} with an {@link IllegalStateException}
 * naming the setting, the path and the reason.
 */
public final class ListenerTls {

    private static final Logger log = LoggerFactory.getLogger(ListenerTls.class);

    static final String GENERATED_DIR = "tls";
    static final String GENERATED_CERTIFICATE = "gateway-cert.pem";
    static final String GENERATED_KEY = "gateway-key.pem";
    /** Renew early so clients that pinned the certificate get a month's overlap to learn the new one. */
    static final Duration RENEW_BEFORE_EXPIRY = Duration.ofDays(30);

    private static final String KEYSTORE = "gateway.smtp.tls.keystore";
    private static final String CERTIFICATE = "gateway.smtp.tls.certificate";
    private static final String PRIVATE_KEY = "gateway.smtp.tls.private-key";
    private static final String GENERATED = "generated TLS certificate";

    private final SSLContext sslContext;
    private final ServerTlsPolicy policy;
    private final X509Certificate certificate;
    private final String fingerprintSha256;
    private final String source;

    private ListenerTls(SSLContext sslContext, X509Certificate certificate, String source) {
        this.sslContext = sslContext;
        this.policy = ServerTlsPolicy.supportedBy(sslContext);
        this.certificate = certificate;
        this.fingerprintSha256 = fingerprintSha256(certificate);
        this.source = source;
    }

    /**
     * Loads (or at first start generates) the listeners' certificate.
     *
     * @param config   {@code gateway.smtp.tls}
     * @param dataDir  {@code gateway.data-dir}; the generated pair lives in its {@code tls/} folder
     * @param hostname the gateway's name, put in a generated certificate's CN and subjectAltName
     * @throws IllegalStateException when a configured or previously generated file cannot be used, or the
     *                               generated pair cannot be written; the message names the setting and path
     */
    public static ListenerTls load(GatewayProperties.Tls config, Path dataDir, String hostname) {
        return load(config, dataDir, hostname, Clock.systemUTC());
    }

    static ListenerTls load(GatewayProperties.Tls config, Path dataDir, String hostname, Clock clock) {
        Objects.requireNonNull(config, "config");
        Instant now = clock.instant();
        if (config.getKeystore() != null) {
            if (config.getCertificate() != null || config.getPrivateKey() != null) {
                log.warn("[smtpd] {} is set, so {} and {} are ignored", KEYSTORE, CERTIFICATE, PRIVATE_KEY);
            }
            Path keystore = config.getKeystore();
            return create(fromKeystore(keystore, config.getKeystorePassword()), "PKCS#12 " + keystore, now);
        }
        if (config.getCertificate() != null || config.getPrivateKey() != null) {
            // GatewayProperties validates this at bind time; repeated here for callers that build Tls by hand
            if (config.getCertificate() == null || config.getPrivateKey() == null) {
                throw new IllegalStateException("gateway.smtp.tls: set both certificate and private-key, or keystore,"
                    + " or none of them");
            }
            Path certificate = config.getCertificate();
            return create(fromPemPair(certificate, config.getPrivateKey()), "PEM " + certificate, now);
        }
        Objects.requireNonNull(dataDir, "dataDir");
        Path dir = dataDir.resolve(GENERATED_DIR);
        String name = hostname == null || hostname.isBlank() ? "localhost" : hostname.trim();
        return create(generated(dir, name, now), "generated self-signed " + dir.resolve(GENERATED_CERTIFICATE), now);
    }

    /** The context every listener socket is made from; already initialised with this certificate. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * The server policy: TLSv1.3 and TLSv1.2; the TLS 1.3 suites and the TLS 1.2 ECDHE suites with AES-GCM
     * or ChaCha20-Poly1305 that this JVM supports; server cipher order; no client authentication.
     * A new object on every call, free to modify.
     */
    public SSLParameters serverParameters() {
        return policy.serverParameters();
    }

    /**
     * Layers a server-mode TLS socket over an accepted plain socket, for STARTTLS and implicit TLS. The
     * handshake starts on the first read or write, or on {@link SSLSocket#startHandshake()}. Closing the
     * returned socket closes {@code plain}. No byte already read from {@code plain} is replayed into the TLS
     * stream: for STARTTLS the caller must also drop whatever its own reader has buffered, so commands
     * pipelined before the handshake are discarded (CVE-2011-0411).
     *
     * <p>Fits subethasmtp's {@code SSLSocketCreator}: {@code builder.startTlsSocketFactory(tls::wrapServerSide)}.
     */
    public SSLSocket wrapServerSide(Socket plain) throws IOException {
        Objects.requireNonNull(plain, "plain");
        SSLSocket socket = (SSLSocket) sslContext.getSocketFactory().createSocket(plain, null, true);
        socket.setSSLParameters(serverParameters());
        socket.setUseClientMode(false);
        return socket;
    }

    /** The leaf certificate presented to clients. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the leaf certificate's DER encoding, as colon-separated uppercase hex ({@code AB:01:...}). */
    public String fingerprintSha256() {
        return fingerprintSha256;
    }

    /**
     * Where the certificate came from, for the start-up log: {@code PEM <certificate path>},
     * {@code PKCS#12 <keystore path>} or {@code generated self-signed <certificate path>}.
     */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "ListenerTls[" + source + ", SHA-256 " + fingerprintSha256 + "]";
    }

    private static KeyMaterial fromKeystore(Path file, String password) {
        char[] secret = password == null ? new char[0] : password.toCharArray();
        KeyStore keystore;
        try (InputStream in = Files.newInputStream(file)) {
            keystore = KeyStore.getInstance("PKCS12");
            keystore.load(in, secret);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException(KEYSTORE + ": cannot read PKCS#12 " + file + ": " + keystoreReason(e), e);
        }
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(keystore.aliases())) {
                if (keystore.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.size() != 1) {
                throw new IllegalStateException(KEYSTORE + ": " + file + " holds " + keyAliases.size()
                    + " private-key entries " + keyAliases + "; it must hold exactly one");
            }
            String alias = keyAliases.get(0);
            Key key;
            try {
                key = keystore.getKey(alias, secret);
            } catch (UnrecoverableKeyException e) {
                throw new IllegalStateException(KEYSTORE + ": the key entry '" + alias + "' in " + file
                    + " cannot be opened with " + KEYSTORE + "-password; give the key the keystore's password", e);
            }
            List<X509Certificate> chain = new ArrayList<>();
            Certificate[] certificates = keystore.getCertificateChain(alias);
            for (Certificate certificate : certificates == null ? new Certificate[0] : certificates) {
                if (!(certificate instanceof X509Certificate x509)) {
                    throw new IllegalStateException(KEYSTORE + ": the entry '" + alias + "' in " + file
                        + " holds a " + certificate.getType() + " certificate, not X.509");
                }
                chain.add(x509);
            }
            if (chain.isEmpty() || !(key instanceof PrivateKey privateKey)) {
                throw new IllegalStateException(KEYSTORE + ": the entry '" + alias + "' in " + file
                    + " has no certificate chain");
            }
            if (!KeyMaterial.matches(privateKey, chain.get(0).getPublicKey())) {
                throw new IllegalStateException(KEYSTORE + ": the key of entry '" + alias + "' in " + file
                    + " does not match the first certificate of its chain");
            }
            return new KeyMaterial(privateKey, chain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(KEYSTORE + ": cannot read PKCS#12 " + file + ": " + PemFiles.reason(e), e);
        }
    }

    private static String keystoreReason(Exception e) {
        // KeyStore.load reports a wrong password as an IOException caused by UnrecoverableKeyException
        if (e.getCause() instanceof UnrecoverableKeyException) {
            return "wrong password (" + KEYSTORE + "-password)";
        }
        if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
            return PemFiles.reason(e);
        }
        return "not a PKCS#12 keystore (" + PemFiles.reason(e) + ")";
    }

    private static KeyMaterial fromPemPair(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = PemFiles.readCertificateChain(certificateFile, CERTIFICATE);
        PrivateKey key = PemFiles.readPrivateKey(keyFile, PRIVATE_KEY);
        requireMatch(key, chain.get(0), PRIVATE_KEY + " (" + keyFile + ") does not match the public key of "
            + CERTIFICATE + " (" + certificateFile + ")");
        return new KeyMaterial(key, chain);
    }

    private static KeyMaterial generated(Path dir, String hostname, Instant now) {
        Path certificateFile = dir.resolve(GENERATED_CERTIFICATE);
        Path keyFile = dir.resolve(GENERATED_KEY);
        // the key is written before the certificate, so a certificate without its key never exists;
        // a key without a certificate is the trace of an interrupted generation and is simply replaced
        if (Files.exists(certificateFile) && Files.exists(keyFile)) {
            KeyMaterial existing = readGenerated(certificateFile, keyFile);
            Instant notAfter = existing.leaf().getNotAfter().toInstant();
            if (notAfter.isAfter(now.plus(RENEW_BEFORE_EXPIRY))) {
                warnIfNotNamed(existing.leaf(), hostname, certificateFile);
                return existing;
            }
            log.warn("[smtpd] generated TLS certificate {} expires {}; replacing it", certificateFile, notAfter);
        }
        KeyMaterial issued = SelfSignedCertificate.issue(hostname, now);
        try {
            createPrivateDirectory(dir);
            Files.deleteIfExists(certificateFile);
            PemFiles.writePrivateKey(keyFile, issued.privateKey());
            PemFiles.writeCertificateChain(certificateFile, issued.chain());
        } catch (IOException e) {
            throw new IllegalStateException(GENERATED + ": cannot write " + dir + ": " + PemFiles.reason(e)
                + " (gateway.data-dir must be writable, or configure " + CERTIFICATE + " and " + PRIVATE_KEY + ")", e);
        }
        log.info("[smtpd] generated a self-signed TLS certificate for {} in {}, SHA-256 fingerprint {}",
            hostname, certificateFile, fingerprintSha256(issued.leaf()));
        return issued;
    }

    private static KeyMaterial readGenerated(Path certificateFile, Path keyFile) {
        String remedy = "; delete " + certificateFile + " and " + keyFile + " to have a new pair generated";
        try {
            List<X509Certificate> chain = PemFiles.readCertificateChain(certificateFile, GENERATED);
            PrivateKey key = PemFiles.readPrivateKey(keyFile, GENERATED);
            requireMatch(key, chain.get(0), GENERATED + ": key " + keyFile + " does not match certificate " + certificateFile);
            return new KeyMaterial(key, chain);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + remedy, e.getCause());
        }
    }

    private static void requireMatch(PrivateKey key, X509Certificate leaf, String message) {
        if (KeyMaterial.matches(key, leaf.getPublicKey())) {
            return;
        }
        String algorithms = key.getAlgorithm().equals(leaf.getPublicKey().getAlgorithm())
            ? "" : " (the key is " + key.getAlgorithm() + ", the certificate's key is " + leaf.getPublicKey().getAlgorithm() + ")";
        throw new IllegalStateException(message + algorithms);
    }

    /** The tls folder is owner-only where POSIX permissions exist; the data dir above it is left as it is. */
    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (PemFiles.posix(parent)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectory(dir);
        }
    }

    private static void warnIfNotNamed(X509Certificate certificate, String hostname, Path file) {
        try {
            var names = certificate.getSubjectAlternativeNames();
            boolean named = names != null && names.stream()
                .anyMatch(name -> hostname.toLowerCase(Locale.ROOT).equals(String.valueOf(name.get(1)).toLowerCase(Locale.ROOT)));
            if (!named) {
                log.warn("[smtpd] generated TLS certificate {} does not name {}; delete it and its key to have one"
                    + " generated for the current hostname", file, hostname);
            }
        } catch (CertificateParsingException e) {
            // only a hint for the operator
        }
    }

    private static ListenerTls create(KeyMaterial material, String source, Instant now) {
        X509Certificate leaf = material.leaf();
        if (leaf.getNotAfter().toInstant().isBefore(now)) {
            log.warn("[smtpd] TLS certificate from {} expired on {}; clients that check it will refuse it",
                source, leaf.getNotAfter().toInstant());
        } else if (leaf.getNotBefore().toInstant().isAfter(now)) {
            log.warn("[smtpd] TLS certificate from {} is not valid before {}", source, leaf.getNotBefore().toInstant());
        }
        try {
            // an in-memory store only hands the key to the KeyManagerFactory; its password protects nothing
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            char[] password = HexFormat.of().formatHex(random).toCharArray();
            KeyStore keystore = KeyStore.getInstance("PKCS12");
            keystore.load(null, null);
            keystore.setKeyEntry("gateway", material.privateKey(), password,
                material.chain().toArray(X509Certificate[]::new));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keystore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return new ListenerTls(context, leaf, source);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(source + ": cannot build a TLS context: " + PemFiles.reason(e), e);
        }
    }

    static String fingerprintSha256(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint the TLS certificate: " + PemFiles.reason(e), e);
        }
    }
}
