package io.mailgateway.smtp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.mailgateway.config.GatewayProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class GeneratedCertificateTest {

    private static final String HOST = "mail.example.test";

    private final Path dataDir = TestCertificates.newDirectory();
    private final Path certificateFile = dataDir.resolve("tls/gateway-cert.pem");
    private final Path keyFile = dataDir.resolve("tls/gateway-key.pem");

    private ListenerTls load() {
        return ListenerTls.load(new GatewayProperties.Tls(), dataDir, HOST);
    }

    private ListenerTls loadAt(Instant now) {
        return ListenerTls.load(new GatewayProperties.Tls(), dataDir, HOST, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void firstStartWritesCertificateAndKeyAsPemUnderDataDirTls() throws Exception {
        ListenerTls tls = load();

        assertThat(TestCertificates.read(certificateFile)).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(TestCertificates.read(keyFile)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(tls.source()).isEqualTo("generated self-signed " + certificateFile);
        try (Stream<Path> files = Files.list(dataDir.resolve("tls"))) {
            assertThat(files.map(file -> file.getFileName().toString()))
                .as("no temporary file left behind")
                .containsExactlyInAnyOrder("gateway-cert.pem", "gateway-key.pem");
        }
    }

    @Test
    void secondStartLoadsTheGeneratedPairInsteadOfGeneratingAnother() throws Exception {
        ListenerTls first = load();
        byte[] key = Files.readAllBytes(keyFile);

        ListenerTls second = load();

        assertThat(second.fingerprintSha256()).isEqualTo(first.fingerprintSha256());
        assertThat(second.certificate()).isEqualTo(first.certificate());
        assertThat(Files.readAllBytes(keyFile)).isEqualTo(key);
    }

    @Test
    void generatedCertificateNamesTheHostnameLocalhostAndTheLoopbackAddress() throws Exception {
        X509Certificate certificate = load().certificate();

        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=" + HOST);
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
        assertThat(certificate.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
            List.of(2, HOST), List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    }

    @Test
    void generatedCertificateIsAnEcdsaP256SelfSignatureWithSha256() throws Exception {
        X509Certificate certificate = load().certificate();

        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
        certificate.verify(certificate.getPublicKey());
    }

    @Test
    void generatedCertificateIsValidFor825DaysStartingJustBeforeNow() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate certificate = loadAt(now).certificate();

        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        assertThat(Duration.between(notBefore, notAfter)).isEqualTo(Duration.ofDays(825));
        assertThat(notBefore).isBeforeOrEqualTo(now).isAfter(now.minus(Duration.ofDays(1)));
    }

    @Test
    void serialNumbersArePositiveRandomAndDifferPerGeneration() {
        X509Certificate one = load().certificate();
        X509Certificate other = ListenerTls.load(new GatewayProperties.Tls(), TestCertificates.newDirectory(), HOST)
            .certificate();

        assertThat(one.getSerialNumber().signum()).isPositive();
        assertThat(one.getSerialNumber().bitLength()).isGreaterThan(64);
        assertThat(one.getSerialNumber()).isNotEqualTo(other.getSerialNumber());
    }

    @Test
    void fingerprintIsColonSeparatedUppercaseHexOfTheSha256OfTheDerCertificate() throws Exception {
        ListenerTls tls = load();

        byte[] digest = MessageDigest.getInstance("SHA-256").digest(tls.certificate().getEncoded());
        assertThat(tls.fingerprintSha256())
            .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}")
            .isEqualTo(HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest));
    }

    @Test
    void keyFileAndTlsFolderAreOwnerOnlyWherePosixPermissionsExist() throws Exception {
        assumeThat(dataDir.getFileSystem().supportedFileAttributeViews()).contains("posix");

        load();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void certificateWithinThirtyDaysOfExpiryIsReplacedAtStart() {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ListenerTls original = loadAt(start);

        ListenerTls sevenHundredDaysLater = loadAt(start.plus(Duration.ofDays(700)));
        ListenerTls eightHundredDaysLater = loadAt(start.plus(Duration.ofDays(800)));

        assertThat(sevenHundredDaysLater.fingerprintSha256()).isEqualTo(original.fingerprintSha256());
        assertThat(eightHundredDaysLater.fingerprintSha256()).isNotEqualTo(original.fingerprintSha256());
        assertThat(load().fingerprintSha256()).as("the replacement is what the next start loads")
            .isEqualTo(eightHundredDaysLater.fingerprintSha256());
    }

    @Test
    void keyLeftWithoutItsCertificateByAnInterruptedGenerationIsReplacedByANewPair() throws Exception {
        ListenerTls first = load();
        Files.delete(certificateFile);

        ListenerTls second = load();

        assertThat(second.fingerprintSha256()).isNotEqualTo(first.fingerprintSha256());
        assertThat(load().fingerprintSha256()).isEqualTo(second.fingerprintSha256());
    }

    @Test
    void damagedGeneratedKeyStopsTheStartNamingThePathAndHowToRecover() {
        load();
        TestCertificates.write(keyFile, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(this::load)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(keyFile.toString())
            .hasMessageContaining("delete " + certificateFile + " and " + keyFile);
    }

    @Test
    void ipLiteralHostnameIsNamedAsAnIpAddress() throws Exception {
        X509Certificate certificate = ListenerTls.load(new GatewayProperties.Tls(), dataDir, "192.0.2.25").certificate();

        assertThat(certificate.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
            List.of(7, "192.0.2.25"), List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    }

    @Test
    void unwritableDataDirStopsTheStartNamingTheFolder() {
        Path notADirectory = TestCertificates.write(dataDir.resolve("plain-file"), "x");

        assertThatThrownBy(() -> ListenerTls.load(new GatewayProperties.Tls(), notADirectory, HOST))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(notADirectory.resolve("tls").toString())
            .hasMessageContaining("gateway.data-dir");
    }
}
