package io.mailgateway.smtp.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues the self-signed server certificate used when no certificate is configured: EC P-256, ECDSA with
 * SHA-256, {@code CN=<hostname>}, subjectAltName {@code DNS:<hostname>, DNS:localhost, IP:127.0.0.1}.
 */
final class SelfSignedCertificate {

    /** The longest validity clients accept for a server certificate (Apple's rule, CA/B Forum until 2020). */
    static final Duration VALIDITY = Duration.ofDays(825);

    /** Tolerates a client clock that is slightly behind the gateway's. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    /** X.520 upper bound for a common name. */
    private static final int MAX_COMMON_NAME = 64;

    private SelfSignedCertificate() {
    }

    /**
     * A new key pair and its certificate, valid from shortly before {@code now} for {@link #VALIDITY}.
     *
     * @param hostname a DNS name or an IP literal, as the gateway names itself
     */
    static KeyMaterial issue(String hostname, Instant now) {
        try {
            // P-256 rather than RSA: smaller and faster, and the ECDHE_ECDSA GCM suites it enables are the ones
            // older Windows SChannel clients (Windows 7 / Server 2008 R2) offer with TLS 1.2
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keyPair = generator.generateKeyPair();

            String name = hostname.toLowerCase(Locale.ROOT);
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, name.length() <= MAX_COMMON_NAME ? name : "mail-gateway")
                .build();
            Instant notBefore = now.minus(BACKDATE);
            // RFC 5280 §4.1.2.2: positive, at most 20 octets; CA/B Forum asks for at least 64 random bits
            BigInteger serial = new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);

            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                Date.from(notBefore), Date.from(notBefore.plus(VALIDITY)), subject, keyPair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(subjectAltNames(name)));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keyPair.getPublic()));

            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
            return new KeyMaterial(keyPair.getPrivate(), List.of(certificate));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            // every algorithm used here is mandatory in the JDK; this is a broken runtime, not bad input
            throw new IllegalStateException("cannot generate a self-signed TLS certificate: " + PemFiles.reason(e), e);
        }
    }

    private static GeneralName[] subjectAltNames(String hostname) {
        List<GeneralName> names = new ArrayList<>();
        names.add(isIpLiteral(hostname)
            ? new GeneralName(GeneralName.iPAddress, hostname)
            : new GeneralName(GeneralName.dNSName, hostname));
        if (!hostname.equals("localhost")) {
            names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        }
        if (!hostname.equals("127.0.0.1")) {
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        }
        return names.toArray(GeneralName[]::new);
    }

    private static boolean isIpLiteral(String hostname) {
        return hostname.contains(":") || hostname.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }
}
