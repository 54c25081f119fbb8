package io.mailgateway.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.it.support.TestTls;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class ServerCertificateTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final TestTls.Identity CA = TestTls.certificateAuthority("Unit Test CA");
    private static final X509TrustManager TRUSTS_CA = trusting(CA.certificate());

    @Test
    void aTrustedCertificateNamingTheHostIsOkWithItsDaysLeft() {
        TestTls.Identity leaf = TestTls.signedBy(CA, "smtp.example.net", NOW.minus(Duration.ofDays(10)),
            NOW.plus(Duration.ofDays(90)));

        ServerCertificate.Verdict verdict = evaluate(leaf, "smtp.example.net");

        assertThat(verdict.status()).isEqualTo(Status.OK);
        assertThat(verdict.trusted()).isTrue();
        assertThat(verdict.detail()).contains("trusted", "names smtp.example.net", "valid until 2027-03-04", "(90 days left)");
    }

    @Test
    void anExpiredCertificateFailsWithTheDateAndDaysAgo() {
        TestTls.Identity leaf = TestTls.signedBy(CA, "smtp.example.net", NOW.minus(Duration.ofDays(400)),
            NOW.minus(Duration.ofDays(5)));

        ServerCertificate.Verdict verdict = evaluate(leaf, "smtp.example.net");

        assertThat(verdict.status()).isEqualTo(Status.FAIL);
        assertThat(verdict.trusted()).isFalse();
        assertThat(verdict.detail()).contains("EXPIRED on 2026-11-29 (5 days ago)");
    }

    @Test
    void aCertificateNotYetValidPointsAtTheClock() {
        TestTls.Identity leaf = TestTls.signedBy(CA, "smtp.example.net", NOW.plus(Duration.ofDays(2)),
            NOW.plus(Duration.ofDays(90)));

        ServerCertificate.Verdict verdict = evaluate(leaf, "smtp.example.net");

        assertThat(verdict.status()).isEqualTo(Status.FAIL);
        assertThat(verdict.fix()).contains("date and time");
    }

    @Test
    void aSelfSignedCertificateIsNotTrustedAndSaysHowToTrustIt() {
        TestTls.Identity self = TestTls.selfSigned("relay.lan", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));

        ServerCertificate.Verdict verdict = evaluate(self, "relay.lan");

        assertThat(verdict.status()).isEqualTo(Status.FAIL);
        assertThat(verdict.trusted()).isFalse();
        assertThat(verdict.detail()).startsWith("self-signed certificate for relay.lan").contains("(30 days left)");
        assertThat(verdict.fix()).contains("keytool -importcert", "gateway.delivery.smarthost.trust-store", "antivirus");
    }

    @Test
    void aCertificateForAnotherNameFailsAndListsItsNames() {
        TestTls.Identity leaf = TestTls.signedBy(CA, "mail.provider.example", false, NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(90)));

        ServerCertificate.Verdict verdict = evaluate(leaf, "smtp.mycompany.example");

        assertThat(verdict.status()).isEqualTo(Status.FAIL);
        assertThat(verdict.detail()).contains("does not name smtp.mycompany.example");
        assertThat(verdict.fix()).contains("(mail.provider.example)");
    }

    @Test
    void fewerThanThreeWeeksLeftWarnsButStillTrusts() {
        TestTls.Identity leaf = TestTls.signedBy(CA, "smtp.example.net", NOW.minus(Duration.ofDays(80)),
            NOW.plus(Duration.ofDays(20).plusHours(2)));

        ServerCertificate.Verdict verdict = evaluate(leaf, "smtp.example.net");

        assertThat(verdict.status()).isEqualTo(Status.WARN);
        assertThat(verdict.trusted()).isTrue();
        assertThat(verdict.detail()).contains("expires in 20 days on 2026-12-24");
    }

    @Test
    void hostNamesMatchLikeRfc6125() {
        X509Certificate wildcard = TestTls.signedBy(CA, "*.example.net", false, NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(9))).certificate();
        assertThat(ServerCertificate.matches("smtp.example.net", wildcard)).isTrue();
        assertThat(ServerCertificate.matches("SMTP.Example.NET.", wildcard)).isTrue();
        assertThat(ServerCertificate.matches("a.b.example.net", wildcard)).as("one label only").isFalse();
        assertThat(ServerCertificate.matches("example.net", wildcard)).isFalse();

        X509Certificate withAddress = TestTls.signedBy(CA, "relay.lan", NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(9))).certificate();
        assertThat(ServerCertificate.matches("127.0.0.1", withAddress)).isTrue();
        assertThat(ServerCertificate.matches("127.0.0.2", withAddress)).isFalse();
        assertThat(ServerCertificate.matches("relay.lan", withAddress)).isTrue();
    }

    private static ServerCertificate.Verdict evaluate(TestTls.Identity identity, String host) {
        return ServerCertificate.evaluate(identity.chain(), "UNKNOWN", TRUSTS_CA, "the test trust store", host, NOW);
    }

    private static X509TrustManager trusting(X509Certificate anchor) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", anchor);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new AssertionError("no X509TrustManager");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
