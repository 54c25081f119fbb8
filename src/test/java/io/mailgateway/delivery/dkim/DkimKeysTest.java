package io.mailgateway.delivery.dkim;

import static io.mailgateway.delivery.dkim.DkimFixtures.CLOCK;
import static io.mailgateway.delivery.dkim.DkimFixtures.concat;
import static io.mailgateway.delivery.dkim.DkimFixtures.eml;
import static io.mailgateway.delivery.dkim.DkimFixtures.replaceFirst;
import static io.mailgateway.delivery.dkim.DkimFixtures.rsa2048;
import static io.mailgateway.delivery.dkim.DkimFixtures.tags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Keys from PEM files (the formats operators bring: openssl genpkey's PKCS#8, openssl genrsa's PKCS#1,
 * and the mistakes: encrypted, public, wrong type, too short, missing) and the per-domain registry.
 */
class DkimKeysTest {

    @TempDir
    Path dir;

    private ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void captureLogs() {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(DkimKeys.class)).addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(DkimKeys.class)).detachAppender(logs);
    }

    private Path pem(String name, Object... objects) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
            }
        }
        return write(name, text.toString());
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    private static DkimSettings entry(String domain, String selector, Path key) {
        DkimSettings settings = new DkimSettings();
        settings.setDomain(domain);
        settings.setSelector(selector);
        settings.setPrivateKey(key);
        return settings;
    }

    private static DkimKeys load(DkimSettings... entries) {
        return DkimKeys.load(List.of(entries), CLOCK);
    }

    @Test
    void pkcs8RsaKeySigns() throws IOException {
        Path key = pem("example.com.pem", rsa2048().getPrivate());
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");

        DkimKeys keys = load(entry("example.com", "mail2025", key));

        DkimResult result = keys.sign(new ByteArrayInputStream(eml("plain-text.eml")));
        assertThat(new IndependentVerifier().publishRsa("mail2025", "example.com", rsa2048().getPublic())
            .verify(concat(result.headerBytes(), eml("plain-text.eml"))).passed()).isTrue();
    }

    @Test
    void pkcs1RsaKeySigns() throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaMiscPEMGenerator(rsa2048().getPrivate()));
        }
        Path key = write("pkcs1.pem", text.toString());
        assertThat(Files.readString(key)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

        DkimKeys keys = load(entry("example.com", "mail2025", key));

        DkimResult result = keys.sign(new ByteArrayInputStream(eml("plain-text.eml")));
        assertThat(new IndependentVerifier().publishRsa("mail2025", "example.com", rsa2048().getPublic())
            .verify(concat(result.headerBytes(), eml("plain-text.eml"))).passed()).isTrue();
    }

    @Test
    void pkcs8Ed25519KeySignsEd25519() throws IOException {
        KeyPair ed = DkimFixtures.ed25519();
        Path key = pem("ed.pem", ed.getPrivate());

        DkimSigner signer = load(entry("example.com", "ed2025", key)).forSenderDomain("example.com").orElseThrow();

        assertThat(signer.algorithm()).isEqualTo("ed25519-sha256");
        // the public key derived from the file is the key pair's own
        byte[] encoded = ed.getPublic().getEncoded();
        assertThat(signer.dnsRecord()).endsWith(java.util.Base64.getEncoder()
            .encodeToString(java.util.Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length)));
    }

    @Test
    void theTxtRecordToPublishIsLogged() throws IOException {
        Path key = pem("example.com.pem", rsa2048().getPrivate());

        load(entry("Example.COM", "mail2025", key));

        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).anySatisfy(line -> assertThat(line)
            .startsWith("[delivery] DKIM signing mail from example.com (rsa-sha256 s=mail2025)")
            .contains("mail2025._domainkey.example.com \"v=DKIM1; k=rsa; p="
                + java.util.Base64.getEncoder().encodeToString(rsa2048().getPublic().getEncoded()) + "\""));
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(line -> line.contains("PRIVATE"));
    }

    @Test
    void aKeyOf1024BitsIsUsedWithAWarning() throws IOException {
        Path key = pem("short.pem", DkimFixtures.rsa(1024).getPrivate());

        DkimKeys keys = load(entry("example.com", "old", key));

        assertThat(keys.forSenderDomain("example.com")).isPresent();
        assertThat(logs.list).anySatisfy(event -> {
            assertThat(event.getLevel().toString()).isEqualTo("WARN");
            assertThat(event.getFormattedMessage()).contains("RSA 1024 bits").contains(key.toString());
        });
    }

    @Test
    void aKeyBelow1024BitsIsRefused() throws IOException {
        Path key = pem("tiny.pem", DkimFixtures.rsa(512).getPrivate());

        assertThatThrownBy(() -> load(entry("example.com", "tiny", key)))
            .isInstanceOf(DkimKeyException.class)
            .hasMessage("DKIM private key " + key + " is an RSA key of 512 bits; DKIM needs at least 1024 (RFC 8301), 2048 recommended");
    }

    @Test
    void aMissingFileIsNamed() {
        Path key = dir.resolve("nowhere.pem");

        assertThatThrownBy(() -> load(entry("example.com", "s", key)))
            .isInstanceOf(DkimKeyException.class)
            .hasMessage("DKIM private key " + key + " does not exist");
    }

    @Test
    void aDirectoryIsNotAKey() {
        assertThatThrownBy(() -> load(entry("example.com", "s", dir)))
            .isInstanceOf(DkimKeyException.class)
            .hasMessage("DKIM private key " + dir + " is a directory, not a PEM file");
    }

    @Test
    void anEncryptedPkcs8KeyIsRefusedWithWhatToDo() throws Exception {
        var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
            .setProvider(new BouncyCastleProvider()).setPassword("secret".toCharArray()).build();
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(rsa2048().getPrivate(), encryptor));
        }
        Path key = write("encrypted.pem", text.toString());
        assertThat(text.toString()).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

        assertThatThrownBy(() -> load(entry("example.com", "s", key)))
            .isInstanceOf(DkimKeyException.class)
            .hasMessageStartingWith("DKIM private key " + key + " is encrypted; the gateway needs it unencrypted");
    }

    @Test
    void aLegacyEncryptedPkcs1KeyIsRefused() throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaMiscPEMGenerator(rsa2048().getPrivate(),
                new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new BouncyCastleProvider())
                    .build("secret".toCharArray())));
        }
        Path key = write("encrypted-rsa.pem", text.toString());
        assertThat(text.toString()).contains("Proc-Type: 4,ENCRYPTED");

        assertThatThrownBy(() -> load(entry("example.com", "s", key)))
            .isInstanceOf(DkimKeyException.class)
            .hasMessageContaining(key + " is encrypted");
    }

    @Test
    void aPublicKeyOrCertificateIsNotAPrivateKey() throws IOException {
        Path key = pem("public.pem", rsa2048().getPublic());

        assertThatThrownBy(() -> load(entry("example.com", "s", key)))
            .isInstanceOf(DkimKeyException.class)
            .hasMessage("DKIM private key " + key + " holds no private key (found a PUBLIC KEY); expected"
                + " -----BEGIN PRIVATE KEY----- (PKCS#8) or -----BEGIN RSA PRIVATE KEY----- (PKCS#1)");
    }

    @Test
    void aFileWithoutPemIsRefused() throws IOException {
        Path key = write("notes.txt", "this is not a key\n");

        assertThatThrownBy(() -> load(entry("example.com", "s", key)))
            .isInstanceOf(DkimKeyException.class)
            .hasMessageContaining(key + " holds no private key (no PEM block)");
    }

    @Test
    void brokenBase64IsRefused() throws IOException {
        Path key = write("broken.pem", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN!!!!\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> load(entry("example.com", "s", key)))
            .isInstanceOf(DkimKeyException.class)
            .hasMessageStartingWith("DKIM private key " + key + " is not a valid PEM private key");
    }

    @Test
    void anEcKeyIsRefusedBecauseDkimHasNoEcdsa() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        Path key = pem("ec.pem", ec.generateKeyPair().getPrivate());

        assertThatThrownBy(() -> load(entry("example.com", "s", key)))
            .isInstanceOf(DkimKeyException.class)
            .hasMessage("DKIM private key " + key + " holds a key of type EC (ECDSA); DKIM signs with RSA"
                + " (rsa-sha256) or Ed25519 (ed25519-sha256) keys");
    }

    @Test
    void aSignerIsFoundForExactlyItsDomain() throws IOException {
        Path key = pem("example.com.pem", rsa2048().getPrivate());
        Path other = pem("news.pem", DkimFixtures.ed25519().getPrivate());

        DkimKeys keys = load(entry("example.com", "mail2025", key), entry("news.example.org", "n1", other));

        assertThat(keys.forSenderDomain("example.com")).map(DkimSigner::selector).hasValue("mail2025");
        assertThat(keys.forSenderDomain("EXAMPLE.com.")).map(DkimSigner::selector).hasValue("mail2025");
        assertThat(keys.forSenderDomain("news.example.org")).map(DkimSigner::selector).hasValue("n1");
        // neither a subdomain nor a parent borrows a key
        assertThat(keys.forSenderDomain("mail.example.com")).isEmpty();
        assertThat(keys.forSenderDomain("example.org")).isEmpty();
        assertThat(keys.forSenderDomain("")).isEmpty();
        assertThat(keys.forSenderDomain(null)).isEmpty();
    }

    @Test
    void aDomainConfiguredTwiceIsRefused() throws IOException {
        Path key = pem("example.com.pem", rsa2048().getPrivate());

        assertThatThrownBy(() -> load(entry("example.com", "a", key), entry("Example.com", "b", key)))
            .isInstanceOf(DkimKeyException.class)
            .hasMessage("DKIM domain example.com is configured twice (selectors a and b); one key per domain");
    }

    @Test
    void messagesAreSignedWithTheKeyOfTheirFromDomain() throws IOException {
        Path key = pem("example.com.pem", rsa2048().getPrivate());
        DkimKeys keys = load(entry("example.com", "mail2025", key));
        byte[] fromOtherDomain = replaceFirst(eml("plain-text.eml"), "reports@example.com", "reports@example.org");

        DkimResult signed = keys.sign(new ByteArrayInputStream(eml("plain-text.eml")));
        DkimResult unsigned = keys.sign(new ByteArrayInputStream(fromOtherDomain));
        DkimResult noFrom = keys.sign(new ByteArrayInputStream(eml("no-from.eml")));

        assertThat(tags(signed.headerField())).containsEntry("d", "example.com").containsEntry("s", "mail2025");
        assertThat(unsigned.isSigned()).isFalse();
        assertThat(unsigned.reason()).isEqualTo("no DKIM key for example.org");
        assertThat(noFrom.reason()).isEqualTo("no From header field");
        assertThat(DkimKeys.none().sign(new ByteArrayInputStream(eml("plain-text.eml"))).reason())
            .isEqualTo("no DKIM keys configured");
    }

    @Test
    void headersAndCanonicalizationFromTheSettingsAreUsed() throws IOException {
        Path key = pem("example.com.pem", rsa2048().getPrivate());
        DkimSettings settings = entry("example.com", "mail2025", key);
        settings.setHeaders(List.of("From", "Subject", "Received"));
        settings.setCanonicalization("simple/simple");

        DkimResult result = load(settings).sign(new ByteArrayInputStream(eml("plain-text.eml")));

        assertThat(tags(result.headerField())).containsEntry("h", "from:from:subject:received")
            .containsEntry("c", "simple/simple");
        assertThat(new IndependentVerifier().publishRsa("mail2025", "example.com", rsa2048().getPublic())
            .verify(concat(result.headerBytes(), eml("plain-text.eml"))).passed()).isTrue();
    }

    @Test
    void anInvalidEntryNamesItsDomain() throws IOException {
        Path key = pem("example.com.pem", rsa2048().getPrivate());
        DkimSettings settings = entry("example.com", "mail2025", key);
        settings.setHeaders(List.of("Subject"));

        assertThatThrownBy(() -> load(settings))
            .isInstanceOf(DkimKeyException.class)
            .hasMessage("gateway.delivery.dkim entry for example.com: DKIM signed headers must include From (RFC 6376 §5.4)");
    }
}
