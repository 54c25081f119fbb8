package io.mailgateway.smtp.tls;

import static io.mailgateway.smtp.tls.TestCertificates.pemPair;
import static io.mailgateway.smtp.tls.TestCertificates.writePem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.config.GatewayProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;

class PemPairTest {

    private final Path dir = TestCertificates.newDirectory();
    private final Path certificateFile = dir.resolve("cert.pem");
    private final Path keyFile = dir.resolve("key.pem");
    private final Path dataDir = dir.resolve("data");

    private ListenerTls load() {
        return ListenerTls.load(pemPair(certificateFile, keyFile), dataDir, "localhost");
    }

    @Test
    void pkcs8KeyAndItsCertificateAreLoaded() {
        KeyPair keys = TestCertificates.ecKeyPair();
        X509Certificate certificate = TestCertificates.selfSigned(keys, "pem.example.test", false);
        writePem(certificateFile, certificate);
        writePem(keyFile, TestCertificates.pkcs8(keys.getPrivate()));
        assertThat(TestCertificates.read(keyFile)).startsWith("-----BEGIN PRIVATE KEY-----");

        ListenerTls tls = load();

        assertThat(tls.certificate()).isEqualTo(certificate);
        assertThat(tls.source()).isEqualTo("PEM " + certificateFile);
        assertThat(tls.fingerprintSha256()).isEqualTo(ListenerTls.fingerprintSha256(certificate));
        assertThat(dataDir).as("nothing generated when a pair is configured").doesNotExist();
    }

    @Test
    void traditionalRsaPrivateKeyIsLoaded() {
        KeyPair keys = TestCertificates.rsaKeyPair();
        X509Certificate certificate = TestCertificates.selfSigned(keys, "rsa.example.test", false);
        writePem(certificateFile, certificate);
        writePem(keyFile, keys.getPrivate());
        assertThat(TestCertificates.read(keyFile)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

        assertThat(load().certificate()).isEqualTo(certificate);
    }

    @Test
    void traditionalEcPrivateKeyAfterAnEcParametersBlockIsLoaded() throws Exception {
        KeyPair keys = TestCertificates.ecKeyPair();
        X509Certificate certificate = TestCertificates.selfSigned(keys, "ec.example.test", false);
        writePem(certificateFile, certificate);
        // what `openssl ecparam -genkey -name prime256v1` writes: the curve, then an RFC 5915 key naming it
        // again (BouncyCastle's own writer would leave the curve out of the key)
        X962Parameters curve = new X962Parameters(SECObjectIdentifiers.secp256r1);
        byte[] ecPrivateKey = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS(),
            SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData(), curve).getEncoded();
        writePem(keyFile, new PemObject("EC PARAMETERS", curve.getEncoded()), new PemObject("EC PRIVATE KEY", ecPrivateKey));

        assertThat(load().certificate()).isEqualTo(certificate);
    }

    @Test
    void chainIsLoadedLeafFirst() {
        KeyPair caKeys = TestCertificates.ecKeyPair();
        X509Certificate ca = TestCertificates.selfSigned(caKeys, "Test CA", true);
        KeyPair leafKeys = TestCertificates.ecKeyPair();
        X509Certificate leaf = TestCertificates.signedBy(leafKeys, "leaf.example.test", caKeys, ca);
        writePem(certificateFile, leaf, ca);
        writePem(keyFile, TestCertificates.pkcs8(leafKeys.getPrivate()));

        assertThat(load().certificate()).isEqualTo(leaf);
    }

    @Test
    void keyOfAnotherCertificateIsRefusedNamingBothSettingsAndFiles() {
        writePem(certificateFile, TestCertificates.selfSigned(TestCertificates.ecKeyPair(), "one.example.test", false));
        writePem(keyFile, TestCertificates.pkcs8(TestCertificates.ecKeyPair().getPrivate()));

        assertThatThrownBy(this::load)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("gateway.smtp.tls.private-key (" + keyFile + ")")
            .hasMessageContaining("gateway.smtp.tls.certificate (" + certificateFile + ")")
            .hasMessageContaining("does not match");
    }

    @Test
    void rsaKeyForAnEcCertificateIsRefusedSayingWhichIsWhich() {
        writePem(certificateFile, TestCertificates.selfSigned(TestCertificates.ecKeyPair(), "ec.example.test", false));
        writePem(keyFile, TestCertificates.rsaKeyPair().getPrivate());

        assertThatThrownBy(this::load)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("gateway.smtp.tls.private-key")
            .hasMessageContaining("gateway.smtp.tls.certificate")
            .hasMessageContaining("the key is RSA, the certificate's key is EC");
    }

    @Test
    void encryptedPkcs8KeyIsRefusedSayingItIsEncrypted() throws Exception {
        KeyPair keys = TestCertificates.ecKeyPair();
        writePem(certificateFile, TestCertificates.selfSigned(keys, "enc.example.test", false));
        var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
            .setProvider(new BouncyCastleProvider())
            .setRandom(new SecureRandom())
            .setPassword("test-only-passphrase".toCharArray())
            .build();
        writePem(keyFile, new JcaPKCS8Generator(keys.getPrivate(), encryptor));
        assertThat(TestCertificates.read(keyFile)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

        assertThatThrownBy(this::load)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("gateway.smtp.tls.private-key")
            .hasMessageContaining(keyFile.toString())
            .hasMessageContaining("is encrypted");
    }

    @Test
    void encryptedTraditionalKeyIsRefusedSayingItIsEncrypted() throws Exception {
        KeyPair keys = TestCertificates.rsaKeyPair();
        writePem(certificateFile, TestCertificates.selfSigned(keys, "enc.example.test", false));
        var encryptor = new JcePEMEncryptorBuilder("AES-128-CBC")
            .setProvider(new BouncyCastleProvider())
            .build("test-only-passphrase".toCharArray());
        writePem(keyFile, new JcaMiscPEMGenerator(keys.getPrivate(), encryptor));
        assertThat(TestCertificates.read(keyFile)).contains("Proc-Type: 4,ENCRYPTED");

        assertThatThrownBy(this::load)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(keyFile.toString())
            .hasMessageContaining("is encrypted");
    }

    @Test
    void textThatIsNoCertificateIsRefusedWithThePath() {
        TestCertificates.write(certificateFile, "this is not a certificate\n");
        writePem(keyFile, TestCertificates.pkcs8(TestCertificates.ecKeyPair().getPrivate()));

        assertThatThrownBy(this::load)
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("gateway.smtp.tls.certificate: no certificate in " + certificateFile
                + " (expected a PEM block -----BEGIN CERTIFICATE-----)");
    }

    @Test
    void binaryGarbageIsRefusedWithThePath() throws Exception {
        byte[] garbage = new byte[512];
        new SecureRandom().nextBytes(garbage);
        Files.write(certificateFile, garbage);
        writePem(keyFile, TestCertificates.pkcs8(TestCertificates.ecKeyPair().getPrivate()));

        assertThatThrownBy(this::load)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("gateway.smtp.tls.certificate")
            .hasMessageContaining(certificateFile.toString());
    }

    @Test
    void damagedPemBlockIsRefusedWithThePathAndTheParserReason() {
        TestCertificates.write(certificateFile, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        writePem(keyFile, TestCertificates.pkcs8(TestCertificates.ecKeyPair().getPrivate()));

        assertThatThrownBy(this::load)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("gateway.smtp.tls.certificate: cannot read " + certificateFile + ": ")
            .hasNoSuppressedExceptions();
    }

    @Test
    void missingKeyFileIsRefusedWithThePath() {
        writePem(certificateFile, TestCertificates.selfSigned(TestCertificates.ecKeyPair(), "x.example.test", false));

        assertThatThrownBy(this::load)
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("gateway.smtp.tls.private-key: cannot read " + keyFile + ": no such file");
    }

    @Test
    void keyFileWithoutAKeyIsRefusedSayingWhatWasExpected() {
        X509Certificate certificate = TestCertificates.selfSigned(TestCertificates.ecKeyPair(), "x.example.test", false);
        writePem(certificateFile, certificate);
        writePem(keyFile, certificate);

        assertThatThrownBy(this::load)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("gateway.smtp.tls.private-key: no private key in " + keyFile)
            .hasMessageContaining("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void certificateWithoutPrivateKeyIsRefused() {
        GatewayProperties.Tls config = new GatewayProperties.Tls();
        config.setCertificate(certificateFile);

        assertThatThrownBy(() -> ListenerTls.load(config, dataDir, "localhost"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("set both certificate and private-key");
    }
}
