package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.delivery.dkim.IndependentVerifier;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import io.mailgateway.smtp.SmtpListeners;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * DKIM at delivery: a key for example.com from a PEM file; mail from example.com reaches the smart host with a
 * DKIM-Signature that Apache jDKIM (an independent implementation) verifies against the public key, in front
 * of the bytes as they were received; mail from another domain goes out unsigned; a retried mail is signed
 * once, not once per attempt (the signature is never stored in the queue).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.delivery.mode=smarthost",
    "gateway.delivery.smarthost.host=127.0.0.1",
    "gateway.delivery.smarthost.tls=none",
    "gateway.delivery.concurrency=1",
    "gateway.delivery.retry.initial-delay=1s",
    "gateway.delivery.retry.max-delay=1s"})
@DirtiesContext
class DkimSigningIT {

    private static final Path DATA = TestDataDirs.fresh("dkim");
    private static final KeyPair KEY = rsaKey();
    private static final Path PEM = writePem(KEY);
    private static final TestSmartHost SMART_HOST = new TestSmartHost().start();

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
        registry.add("gateway.delivery.smarthost.port", SMART_HOST::port);
        // a list comes whole from one property source (Spring), so all of the entry is set here
        registry.add("gateway.delivery.dkim[0].domain", () -> "example.com");
        registry.add("gateway.delivery.dkim[0].selector", () -> "mail2026");
        registry.add("gateway.delivery.dkim[0].private-key", PEM::toString);
    }

    @AfterAll
    static void stop() {
        SMART_HOST.stop();
    }

    @Autowired
    SmtpListeners listeners;

    private final IndependentVerifier verifier = new IndependentVerifier().publishRsa("mail2026", "example.com", KEY.getPublic());

    @Test
    void mailFromTheKeysDomainArrivesSignedAndVerifiesWithThePublicKey() throws Exception {
        String message = "From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: signed report\r\n"
            + "Message-ID: " + Messages.uniqueMessageId() + "\r\nDate: Fri, 4 Dec 2026 10:00:00 +0000\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
            + "Quarterly numbers attached.  \r\n\r\nTrailing   spaces and blank lines\r\n\r\n\r\n";
        String messageId = messageIdOf(message);
        send("alice@example.com", message);
        TestSmartHost.Transaction received = awaitAccepted(messageId);

        String text = new String(received.data(), StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("DKIM-Signature: v=1; a=rsa-sha256;").contains("d=example.com").contains("s=mail2026");
        IndependentVerifier.Verdict verdict = verifier.verify(received.data());
        assertThat(verdict.passed()).as(verdict.toString()).isTrue();

        // a changed byte breaks it: the check can fail
        byte[] tampered = text.replace("Quarterly numbers", "Quarterly numberz").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verifier.verify(tampered).passed()).isFalse();
    }

    @Test
    void mailFromAnotherDomainIsNotSigned() throws Exception {
        String message = Messages.simple(Messages.uniqueMessageId(), "carol@other.example", "bob@example.net", "unsigned");
        send("carol@other.example", message);
        TestSmartHost.Transaction received = awaitAccepted(messageIdOf(message));
        assertThat(new String(received.data(), StandardCharsets.ISO_8859_1)).doesNotContain("DKIM-Signature");
    }

    @Test
    void aRetriedMailCarriesOneSignatureNotOnePerAttempt() throws Exception {
        SMART_HOST.refuseNextData(451, "4.3.0 try again");
        String message = "From: alice@example.com\r\nTo: bob@example.net\r\nSubject: retried\r\nMessage-ID: "
            + Messages.uniqueMessageId() + "\r\n\r\nbody\r\n";
        String messageId = messageIdOf(message);
        send("alice@example.com", message);
        TestSmartHost.Transaction received = awaitAccepted(messageId);
        assertThat(SMART_HOST.withMessageId(messageId)).hasSizeGreaterThanOrEqualTo(2);
        String text = new String(received.data(), StandardCharsets.ISO_8859_1);
        assertThat(text.split("DKIM-Signature:", -1)).hasSize(2);
        assertThat(verifier.verify(received.data()).passed()).isTrue();
    }

    private TestSmartHost.Transaction awaitAccepted(String messageId) {
        return SMART_HOST.awaitAccepted(messageId, Duration.ofSeconds(30));
    }

    private void send(String from, String message) throws IOException {
        assertThat(SmtpClient.send(listeners.relayPort(), from, List.of("bob@example.net"), message)).startsWith("250 ");
    }

    private static String messageIdOf(String message) {
        int start = message.indexOf("Message-ID: ") + "Message-ID: ".length();
        return message.substring(start, message.indexOf("\r\n", start));
    }

    private static KeyPair rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writePem(KeyPair key) {
        try {
            Files.createDirectories(DATA);
            Path pem = DATA.resolve("example.com.pem");
            Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
            return pem;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
