package io.mailgateway.delivery.dkim;

import static io.mailgateway.delivery.dkim.DkimFixtures.bytes;
import static io.mailgateway.delivery.dkim.DkimFixtures.tags;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ed25519-SHA256 against the worked example of RFC 8463 Appendix A: the RFC's key (A.2), its message and
 * its signature (A.3). Ed25519 signatures are deterministic, so reproducing the published b= exactly checks
 * our relaxed header canonicalisation, header selection and the RFC 8463 signing step (sign the SHA-256 of
 * the data) against the RFC's authors. jDKIM has no Ed25519, hence this test.
 */
class DkimRfc8463Test {

    /** RFC 8463 A.2: the Ed25519 private key (the 32-byte seed, base64) and its public key. */
    private static final String PRIVATE_SEED = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
    private static final String PUBLIC_KEY = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

    /** RFC 8463 A.3: the message as signed, without its two DKIM-Signature fields. */
    private static final String MESSAGE = ""
        + "From: Joe SixPack <joe@football.example.com>\r\n"
        + "To: Suzie Q <suzie@shopping.example.net>\r\n"
        + "Subject: Is dinner ready?\r\n"
        + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
        + "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
        + "\r\n"
        + "Hi.\r\n"
        + "\r\n"
        + "We lost the game.  Are you hungry yet?\r\n"
        + "\r\n"
        + "Joe.\r\n"
        + "\r\n";

    /** RFC 8463 A.3: the Ed25519 signature field up to and including "b=", folded as published. */
    private static final String SIGNATURE_FIELD_WITHOUT_B = ""
        + "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
        + " d=football.example.com; i=@football.example.com;\r\n"
        + " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
        + " subject : date : message-id : from : subject : date;\r\n"
        + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
        + " b=";
    private static final String PUBLISHED_B =
        "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==";

    private static KeyPair rfcKeyPair() throws Exception {
        KeyFactory ed25519 = KeyFactory.getInstance("Ed25519");
        // PKCS#8 / SubjectPublicKeyInfo wrappers for a raw Ed25519 key (RFC 8410 §7, §4)
        byte[] pkcs8 = concat(HexFormat.of().parseHex("302e020100300506032b657004220420"),
            Base64.getDecoder().decode(PRIVATE_SEED));
        byte[] spki = concat(HexFormat.of().parseHex("302a300506032b6570032100"),
            Base64.getDecoder().decode(PUBLIC_KEY));
        return new KeyPair(ed25519.generatePublic(new X509EncodedKeySpec(spki)),
            ed25519.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
    }

    private static DkimSigner rfcSigner() throws Exception {
        return DkimSigner.builder("football.example.com", "brisbane", rfcKeyPair())
            .headers(List.of("From", "To", "Subject", "Date", "Message-ID"))
            .clock(Clock.fixed(Instant.ofEpochSecond(1528637909L), ZoneOffset.UTC))
            .build();
    }

    @Test
    void theRfcSignatureIsReproducedByteForByte() throws Exception {
        HeaderBlock headers = HeaderBlock.read(new ByteArrayInputStream(bytes(MESSAGE)));

        byte[] signature = rfcSigner().signature(headers,
            List.of("from", "to", "subject", "date", "message-id", "from", "subject", "date"),
            SIGNATURE_FIELD_WITHOUT_B);

        assertThat(Base64.getEncoder().encodeToString(signature)).isEqualTo(PUBLISHED_B);
    }

    @Test
    void theBodyHashIsTheRfcs() throws Exception {
        DkimResult result = rfcSigner().sign(new ByteArrayInputStream(bytes(MESSAGE)));

        assertThat(tags(result.headerField()))
            .containsEntry("a", "ed25519-sha256")
            .containsEntry("c", "relaxed/relaxed")
            .containsEntry("d", "football.example.com")
            .containsEntry("s", "brisbane")
            .containsEntry("t", "1528637909")
            .containsEntry("bh", "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
    }

    @Test
    void theDnsRecordIsTheRfcs() throws Exception {
        // RFC 8463 A.2: brisbane._domainkey.football.example.com IN TXT "v=DKIM1; k=ed25519; p=11qY..."
        assertThat(rfcSigner().dnsName()).isEqualTo("brisbane._domainkey.football.example.com");
        assertThat(rfcSigner().dnsRecord()).isEqualTo("v=DKIM1; k=ed25519; p=" + PUBLIC_KEY);
    }

    @Test
    void aChangedHeaderGivesAnotherSignature() throws Exception {
        HeaderBlock changed = HeaderBlock.read(new ByteArrayInputStream(
            bytes(MESSAGE.replace("Is dinner ready?", "Is dinner ready!"))));

        byte[] signature = rfcSigner().signature(changed,
            List.of("from", "to", "subject", "date", "message-id", "from", "subject", "date"),
            SIGNATURE_FIELD_WITHOUT_B);

        assertThat(Base64.getEncoder().encodeToString(signature)).isNotEqualTo(PUBLISHED_B);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return DkimFixtures.concat(a, b);
    }
}
