package io.mailgateway.it.support;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throw-away certificates for a test smart host, made in the test (no key in the repository): a test CA,
 * leaf certificates it signs (valid, expired, expiring, for another name) and self-signed ones; server
 * contexts for {@link TestSmartHost} and PKCS#12 trust stores for the gateway.
 */
public final class TestTls {

    /** A key pair and its certificate chain (leaf first). */
    public record Identity(KeyPair keys, X509Certificate... chain) {
        public X509Certificate certificate() {
            return chain[0];
        }
    }

    public static final String STORE_PASSWORD = "changeit";

    private TestTls() {
    }

    public static Identity certificateAuthority(String name) {
        KeyPair keys = keys();
        Instant now = Instant.now();
        return new Identity(keys, issue(keys.getPublic(), "CN=" + name, keys, "CN=" + name, now.minus(Duration.ofDays(1)),
            now.plus(Duration.ofDays(3650)), true, null, false));
    }

    /** A server certificate for {@code dnsName} and 127.0.0.1, signed by {@code ca}, valid in the given window. */
    public static Identity signedBy(Identity ca, String dnsName, Instant notBefore, Instant notAfter) {
        return signedBy(ca, dnsName, true, notBefore, notAfter);
    }

    /** As above; without {@code loopbackAddress} the certificate names {@code dnsName} only. */
    public static Identity signedBy(Identity ca, String dnsName, boolean loopbackAddress, Instant notBefore,
                                    Instant notAfter) {
        KeyPair keys = keys();
        X509Certificate leaf = issue(keys.getPublic(), "CN=" + dnsName, ca.keys(),
            ca.certificate().getSubjectX500Principal().getName(), notBefore, notAfter, false, dnsName, loopbackAddress);
        return new Identity(keys, leaf, ca.certificate());
    }

    /** A self-signed server certificate for {@code dnsName} and 127.0.0.1. */
    public static Identity selfSigned(String dnsName, Instant notBefore, Instant notAfter) {
        KeyPair keys = keys();
        return new Identity(keys, issue(keys.getPublic(), "CN=" + dnsName, keys, "CN=" + dnsName, notBefore, notAfter,
            false, dnsName, true));
    }

    public static SSLContext serverContext(Identity identity) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", identity.keys().getPrivate(), STORE_PASSWORD.toCharArray(),
                identity.chain().clone());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, STORE_PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS#12 trust store holding {@code trusted}, password {@link #STORE_PASSWORD}. */
    public static Path trustStore(Path file, X509Certificate trusted) {
        try {
            Files.createDirectories(file.getParent());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("trusted", trusted);
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, STORE_PASSWORD.toCharArray());
            }
            return file;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate issue(PublicKey subjectKey, String subject, KeyPair issuerKeys,
                                         String issuer, Instant notBefore, Instant notAfter, boolean ca, String dnsName,
                                         boolean loopbackAddress) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                new X500Name(subject), subjectKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                GeneralName[] names = loopbackAddress
                    ? new GeneralName[] {new GeneralName(GeneralName.dNSName, dnsName),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}
                    : new GeneralName[] {new GeneralName(GeneralName.dNSName, dnsName)};
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
