package io.mailgateway.smtp.tls;

import static io.mailgateway.smtp.tls.TestCertificates.KeyStoreEntry.key;
import static io.mailgateway.smtp.tls.TestCertificates.KeyStoreEntry.trusted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.config.GatewayProperties;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class Pkcs12KeystoreTest {

    private static final String PASSWORD = "test-only-store-password";

    private final Path dir = TestCertificates.newDirectory();
    private final Path keystoreFile = dir.resolve("gateway.p12");
    private final Path dataDir = dir.resolve("data");
    private final KeyPair keys = TestCertificates.ecKeyPair();
    private final X509Certificate certificate = TestCertificates.selfSigned(keys, "p12.example.test", false);

    private ListenerTls load(String password) {
        return ListenerTls.load(TestCertificates.keystore(keystoreFile, password), dataDir, "localhost");
    }

    @Test
    void singleKeyEntryIsLoaded() {
        TestCertificates.writePkcs12(keystoreFile, PASSWORD, key("gateway", keys, certificate));

        ListenerTls tls = load(PASSWORD);

        assertThat(tls.certificate()).isEqualTo(certificate);
        assertThat(tls.source()).isEqualTo("PKCS#12 " + keystoreFile);
        assertThat(dataDir).as("nothing generated when a keystore is configured").doesNotExist();
    }

    @Test
    void trustedCertificateEntriesBesideTheKeyDoNotCount() {
        X509Certificate other = TestCertificates.selfSigned(TestCertificates.ecKeyPair(), "ca.example.test", true);
        TestCertificates.writePkcs12(keystoreFile, PASSWORD, key("gateway", keys, certificate), trusted("ca", other));

        assertThat(load(PASSWORD).certificate()).isEqualTo(certificate);
    }

    @Test
    void keystoreIsUsedInsteadOfAPemPair() {
        TestCertificates.writePkcs12(keystoreFile, PASSWORD, key("gateway", keys, certificate));
        GatewayProperties.Tls config = TestCertificates.keystore(keystoreFile, PASSWORD);
        config.setCertificate(dir.resolve("absent-cert.pem"));
        config.setPrivateKey(dir.resolve("absent-key.pem"));

        assertThat(ListenerTls.load(config, dataDir, "localhost").source()).isEqualTo("PKCS#12 " + keystoreFile);
    }

    @Test
    void twoKeyEntriesAreRefusedNamingTheSetting() {
        KeyPair otherKeys = TestCertificates.ecKeyPair();
        TestCertificates.writePkcs12(keystoreFile, PASSWORD, key("one", keys, certificate),
            key("two", otherKeys, TestCertificates.selfSigned(otherKeys, "two.example.test", false)));

        assertThatThrownBy(() -> load(PASSWORD))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("gateway.smtp.tls.keystore: " + keystoreFile + " holds 2 private-key entries")
            .hasMessageContaining("must hold exactly one");
    }

    @Test
    void keystoreWithoutAKeyEntryIsRefusedNamingTheSetting() {
        TestCertificates.writePkcs12(keystoreFile, PASSWORD, trusted("only-a-certificate", certificate));

        assertThatThrownBy(() -> load(PASSWORD))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("gateway.smtp.tls.keystore: " + keystoreFile + " holds 0 private-key entries");
    }

    @Test
    void wrongPasswordIsRefusedPointingAtThePasswordSetting() {
        TestCertificates.writePkcs12(keystoreFile, PASSWORD, key("gateway", keys, certificate));

        assertThatThrownBy(() -> load("not-the-password"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("gateway.smtp.tls.keystore: cannot read PKCS#12 " + keystoreFile)
            .hasMessageEndingWith(": wrong password (gateway.smtp.tls.keystore-password)");
    }

    @Test
    void fileThatIsNoKeystoreIsRefusedWithThePath() {
        TestCertificates.write(keystoreFile, "certainly not PKCS#12");

        assertThatThrownBy(() -> load(PASSWORD))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("gateway.smtp.tls.keystore: cannot read PKCS#12 " + keystoreFile
                + ": not a PKCS#12 keystore");
    }

    @Test
    void missingKeystoreIsRefusedWithThePath() {
        assertThatThrownBy(() -> load(PASSWORD))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("gateway.smtp.tls.keystore: cannot read PKCS#12 " + keystoreFile + ": no such file");
    }
}
