package io.mailgateway.smtp.tls;

import io.mailgateway.config.GatewayProperties;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * Throw-away keys and certificates made in the test itself, and a fresh folder under
 * {@code target/tls-test/} for each test. No private key is committed to the repository.
 */
final class TestCertificates {

    private TestCertificates() {
    }

    /** A new empty folder {@code target/tls-test/<random>}, removed by {@code mvn clean}. */
    static Path newDirectory() {
        try {
            return Files.createDirectories(Path.of("target", "tls-test", UUID.randomUUID().toString()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** A self-signed certificate for {@code localhost}; a CA certificate when {@code ca}. */
    static X509Certificate selfSigned(KeyPair keyPair, String commonName, boolean ca) {
        return issue(keyPair, commonName, keyPair, commonName, ca);
    }

    /** A leaf certificate for {@code localhost} signed by {@code issuerKeys}. */
    static X509Certificate signedBy(KeyPair subjectKeys, String commonName, KeyPair issuerKeys, X509Certificate issuer) {
        return issue(subjectKeys, commonName, issuerKeys, issuer.getSubjectX500Principal().getName(), false);
    }

    private static X509Certificate issue(KeyPair subjectKeys, String commonName, KeyPair issuerKeys, String issuerName,
                                         boolean ca) {
        try {
            Instant now = Instant.now();
            X500Name issuer = issuerName.startsWith("CN=") ? new X500Name(issuerName) : new X500Name("CN=" + issuerName);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))),
                new X500Name("CN=" + commonName), subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (!ca) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
            }
            String signature = issuerKeys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(signature).build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Writes each object with BouncyCastle's PEM writer (a bare PrivateKey becomes "RSA/EC PRIVATE KEY"). */
    static Path writePem(Path file, Object... objects) {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return write(file, pem.toString());
    }

    /** The key as an unencrypted PKCS#8 "PRIVATE KEY" block, for {@link #writePem}. */
    static PemObjectGenerator pkcs8(PrivateKey key) {
        try {
            return new JcaPKCS8Generator(key, null);
        } catch (PemGenerationException e) {
            throw new AssertionError(e);
        }
    }

    static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A PKCS#12 file; each key entry is protected by the store password, as PKCS#12 tools do. */
    static Path writePkcs12(Path file, String password, KeyStoreEntry... entries) {
        try {
            KeyStore keystore = KeyStore.getInstance("PKCS12");
            keystore.load(null, null);
            for (KeyStoreEntry entry : entries) {
                if (entry.keyPair() == null) {
                    keystore.setCertificateEntry(entry.alias(), entry.certificate());
                } else {
                    keystore.setKeyEntry(entry.alias(), entry.keyPair().getPrivate(), password.toCharArray(),
                        new Certificate[] {entry.certificate()});
                }
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                keystore.store(out, password.toCharArray());
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    record KeyStoreEntry(String alias, KeyPair keyPair, X509Certificate certificate) {
        static KeyStoreEntry key(String alias, KeyPair keyPair, X509Certificate certificate) {
            return new KeyStoreEntry(alias, keyPair, certificate);
        }

        static KeyStoreEntry trusted(String alias, X509Certificate certificate) {
            return new KeyStoreEntry(alias, null, certificate);
        }
    }

    /** A client context that trusts exactly {@code anchor}. */
    static SSLContext clientTrusting(X509Certificate anchor) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("anchor", anchor);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static GatewayProperties.Tls pemPair(Path certificate, Path privateKey) {
        GatewayProperties.Tls tls = new GatewayProperties.Tls();
        tls.setCertificate(certificate);
        tls.setPrivateKey(privateKey);
        return tls;
    }

    static GatewayProperties.Tls keystore(Path keystore, String password) {
        GatewayProperties.Tls tls = new GatewayProperties.Tls();
        tls.setKeystore(keystore);
        tls.setKeystorePassword(password);
        return tls;
    }
}
