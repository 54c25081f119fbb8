package io.mailgateway.delivery.dkim;

import static io.mailgateway.delivery.dkim.DkimFixtures.CLOCK;
import static io.mailgateway.delivery.dkim.DkimFixtures.NOW;
import static io.mailgateway.delivery.dkim.DkimFixtures.bytes;
import static io.mailgateway.delivery.dkim.DkimFixtures.concat;
import static io.mailgateway.delivery.dkim.DkimFixtures.eml;
import static io.mailgateway.delivery.dkim.DkimFixtures.replaceFirst;
import static io.mailgateway.delivery.dkim.DkimFixtures.rsa2048;
import static io.mailgateway.delivery.dkim.DkimFixtures.tags;
import static io.mailgateway.delivery.dkim.DkimFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signs messages with {@link DkimSigner} and checks them with an independent verifier (Apache jDKIM, see
 * {@link IndependentVerifier}): a signature only counts when someone else's reading of RFC 6376 accepts it.
 */
class DkimSignerTest {

    private final IndependentVerifier verifier =
        new IndependentVerifier().publishRsa("mail2025", "example.com", rsa2048().getPublic());

    private static DkimSigner signer() {
        return signer("relaxed/relaxed");
    }

    private static DkimSigner signer(String canonicalization) {
        return DkimSigner.builder("example.com", "mail2025", rsa2048())
            .canonicalization(canonicalization)
            .clock(CLOCK)
            .build();
    }

    /** The signature field in front of the original bytes: what delivery sends. */
    private static byte[] signed(DkimSigner signer, byte[] message) throws IOException {
        DkimResult result = signer.sign(new ByteArrayInputStream(message));
        assertThat(result.isSigned()).as("signed, not: %s", result.reason()).isTrue();
        return concat(result.headerBytes(), message);
    }

    static Stream<Arguments> scenarios() {
        List<String> messages = List.of("plain-text.eml", "multipart-attachments.eml", "folded-odd-whitespace.eml",
            "trailing-blank-lines.eml", "empty-body.eml", "eight-bit-body.eml", "multiple-received.eml");
        List<String> canonicalizations = List.of("relaxed/relaxed", "simple/simple", "relaxed/simple", "simple/relaxed");
        return messages.stream().flatMap(m -> canonicalizations.stream().map(c -> Arguments.of(m, c)));
    }

    @ParameterizedTest(name = "{0} signed {1} verifies")
    @MethodSource("scenarios")
    void everyScenarioVerifiesWithEveryCanonicalization(String fixture, String canonicalization) throws IOException {
        byte[] message = signed(signer(canonicalization), eml(fixture));

        IndependentVerifier.Verdict verdict = verifier.verify(message);

        assertThat(verdict.passed()).as("%s", verdict).isTrue();
        assertThat(verdict.verified().get(0).getDToken().toString()).isEqualTo("example.com");
    }

    @Test
    void plainTextMailGetsTheExpectedTags() throws IOException {
        DkimResult result = signer().sign(new ByteArrayInputStream(eml("plain-text.eml")));

        var tags = tags(result.headerField());
        assertThat(tags.keySet()).containsExactly("v", "a", "c", "d", "s", "t", "h", "bh", "b");
        assertThat(tags).containsEntry("v", "1").containsEntry("a", "rsa-sha256").containsEntry("c", "relaxed/relaxed")
            .containsEntry("d", "example.com").containsEntry("s", "mail2025")
            .containsEntry("t", String.valueOf(NOW.getEpochSecond()));
        // every default header present is signed, in the default order, and From once more than it occurs
        assertThat(tags.get("h")).isEqualTo(
            "from:from:subject:date:to:message-id:mime-version:content-type:content-transfer-encoding");
        assertThat(verifier.verify(concat(result.headerBytes(), eml("plain-text.eml"))).passed()).isTrue();
    }

    @Test
    void originalBytesFollowTheSignatureUnchanged() throws IOException {
        byte[] original = eml("multipart-attachments.eml");
        byte[] untouched = original.clone();

        DkimResult result = signer().sign(new ByteArrayInputStream(original));
        byte[] sent = concat(result.headerBytes(), original);

        assertThat(text(result.headerBytes())).startsWith("DKIM-Signature: ").endsWith("\r\n");
        assertThat(Arrays.copyOfRange(sent, result.headerBytes().length, sent.length)).isEqualTo(untouched);
        assertThat(original).isEqualTo(untouched);
    }

    @Test
    void signatureFieldIsFoldedToLinesOfAtMost78Characters() throws IOException {
        // many headers so that h= itself has to be folded
        DkimSigner manyHeaders = DkimSigner.builder("example.com", "a-rather-long-selector-name.2025-06", rsa2048())
            .headers(List.of("From", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding", "Reply-To", "In-Reply-To", "References", "List-Unsubscribe",
                "List-Unsubscribe-Post", "Received"))
            .clock(CLOCK).build();
        byte[] message = eml("plain-text.eml");

        String field = manyHeaders.sign(new ByteArrayInputStream(message)).headerField();

        assertThat(field).endsWith("\r\n");
        String[] lines = field.substring(0, field.length() - 2).split("\r\n", -1);
        assertThat(lines.length).isGreaterThan(4);
        for (int i = 0; i < lines.length; i++) {
            assertThat(lines[i].length()).as("line %d: %s", i, lines[i]).isLessThanOrEqualTo(78);
            if (i > 0) {
                assertThat(lines[i]).as("continuation line %d", i).startsWith(" ");
            }
        }
        assertThat(field).doesNotContain("\n\r").doesNotContain("\r\n\r\n");
        assertThat(new IndependentVerifier()
            .publishRsa("a-rather-long-selector-name.2025-06", "example.com", rsa2048().getPublic())
            .verify(concat(bytes(field), message)).passed()).isTrue();
    }

    @Test
    void tamperedBodyFailsVerification() throws IOException {
        byte[] message = signed(signer(), eml("plain-text.eml"));

        byte[] tampered = replaceFirst(message, "1,234 orders", "9,234 orders");

        assertThat(verifier.verify(message).passed()).isTrue();
        IndependentVerifier.Verdict verdict = verifier.verify(tampered);
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.failure()).containsIgnoringCase("body");
    }

    @Test
    void tamperedSignedHeaderFailsVerification() throws IOException {
        byte[] message = signed(signer(), eml("plain-text.eml"));

        byte[] tampered = replaceFirst(message, "Subject: Daily sales report", "Subject: Daily sales rep0rt");

        assertThat(verifier.verify(tampered).passed()).isFalse();
    }

    @Test
    void aSignatureForAnotherKeyFailsVerification() throws IOException {
        DkimSigner otherKey = DkimSigner.builder("example.com", "mail2025", DkimFixtures.rsa(2048)).clock(CLOCK).build();

        byte[] message = signed(otherKey, eml("plain-text.eml"));

        assertThat(verifier.verify(message).passed()).isFalse();
    }

    @Test
    void unsignedHeadersAndReceivedLinesAddedInTransitKeepTheSignatureValid() throws IOException {
        byte[] message = signed(signer(), eml("plain-text.eml"));

        byte[] relayed = concat(bytes("Received: from gateway.example.com by mx.example.net; Tue, 3 Jun 2025 09:15:00 +0000\r\n"
            + "X-Spam-Score: 0.1\r\n"), message);

        assertThat(verifier.verify(relayed).passed()).isTrue();
    }

    @Test
    void aFromAddedAboveTheSignedOneBreaksTheSignatureBecauseFromIsOversigned() throws IOException {
        byte[] message = signed(signer(), eml("plain-text.eml"));
        // a Subject added on top is not covered (the verifier takes the bottom-most Subject, which is signed)...
        byte[] extraSubject = concat(bytes("Subject: URGENT: update your password\r\n"), message);
        // ... but a From added on top is: h= names From twice and the second one must not exist
        byte[] extraFrom = concat(bytes("From: ceo@example.com\r\n"), message);

        assertThat(verifier.verify(extraSubject).passed()).isTrue();
        assertThat(verifier.verify(extraFrom).passed()).isFalse();
    }

    @Test
    void everyInstanceOfARepeatedHeaderIsSignedBottomUp() throws IOException {
        DkimSigner withReceived = DkimSigner.builder("example.com", "mail2025", rsa2048())
            .headers(List.of("From", "To", "Subject", "Received")).clock(CLOCK).build();
        byte[] original = eml("multiple-received.eml");

        byte[] message = signed(withReceived, original);

        assertThat(tags(text(message).substring(0, text(message).indexOf("\r\nReceived:"))).get("h"))
            .isEqualTo("from:from:to:to:subject:received:received:received");
        assertThat(verifier.verify(message).passed()).isTrue();
        // each instance is covered: changing the top one, the middle one or the second To breaks it
        assertThat(verifier.verify(replaceFirst(message, "by mx.example.net", "by mx.example.org")).passed()).isFalse();
        assertThat(verifier.verify(replaceFirst(message, "by gateway.example.com", "by gateway.example.org")).passed()).isFalse();
        assertThat(verifier.verify(replaceFirst(message, "To: carol@example.org", "To: mallory@example.org")).passed()).isFalse();
        // swapping two signed instances changes the order the verifier hashes them in
        byte[] swapped = replaceFirst(message, "To: bob@example.net\r\nTo: carol@example.org",
            "To: carol@example.org\r\nTo: bob@example.net");
        assertThat(verifier.verify(swapped).passed()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"relaxed/relaxed", "simple/simple"})
    void emptyLinesAtTheEndOfTheBodyAreNotSigned(String canonicalization) throws IOException {
        byte[] message = signed(signer(canonicalization), eml("trailing-blank-lines.eml"));

        // RFC 6376 §3.4.3/§3.4.4: trailing empty lines are ignored, so a hop that adds or strips them is harmless
        byte[] moreEmptyLines = concat(message, bytes("\r\n\r\n\r\n"));

        assertThat(verifier.verify(moreEmptyLines).passed()).isTrue();
    }

    @Test
    void anEmptyBodyIsSignedWithSimpleBodyCanonicalizationWhichEveryVerifierReadsAlike() throws Exception {
        byte[] empty = eml("empty-body.eml");
        byte[] whitespaceOnly = concat(empty, bytes("  \r\n\t\r\n\r\n"));

        var emptyTags = tags(signer("relaxed/relaxed").sign(new ByteArrayInputStream(empty)).headerField());
        var whitespaceTags = tags(signer("relaxed/relaxed").sign(new ByteArrayInputStream(whitespaceOnly)).headerField());
        var simpleTags = tags(signer("simple/simple").sign(new ByteArrayInputStream(empty)).headerField());

        // RFC 6376 makes an empty relaxed body the empty string, jDKIM 0.5 hashes it as CRLF; simple is one
        // CRLF for everybody (§3.4.3), so an empty body is signed relaxed/simple
        assertThat(emptyTags).containsEntry("c", "relaxed/simple").containsEntry("bh", sha256Base64("\r\n"));
        assertThat(simpleTags).containsEntry("c", "simple/simple").containsEntry("bh", sha256Base64("\r\n"));
        // whitespace-only lines are empty under relaxed, not under simple: signed as they are
        assertThat(whitespaceTags).containsEntry("c", "relaxed/simple")
            .containsEntry("bh", sha256Base64("  \r\n\t\r\n"));
        assertThat(verifier.verify(signed(signer(), whitespaceOnly)).passed()).isTrue();
        // however the empty lines arrive: a CR and its LF in different reads of the body
        byte[] headerSection = Arrays.copyOfRange(empty, 0, empty.length);
        InputStream oneByteAtATime = new InputStream() {
            private final InputStream lines = new ByteArrayInputStream(bytes("\r\n\r\n\r\n"));

            @Override
            public int read() throws IOException {
                return lines.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : lines.read(b, off, 1);
            }
        };
        assertThat(tags(signer().sign(headerSection, oneByteAtATime).headerField()))
            .containsEntry("c", "relaxed/simple").containsEntry("bh", sha256Base64("\r\n"));
        // a body with content keeps the configured relaxed
        assertThat(tags(signer().sign(new ByteArrayInputStream(eml("plain-text.eml"))).headerField()))
            .containsEntry("c", "relaxed/relaxed");
    }

    @Test
    void relaxedSurvivesReformattedWhitespaceAndSimpleDoesNot() throws IOException {
        byte[] original = eml("folded-odd-whitespace.eml");
        byte[] relaxed = signed(signer("relaxed/relaxed"), original);
        byte[] simple = signed(signer("simple/simple"), original);

        // what forwarders do: strip line-end whitespace, collapse runs, refold a header
        java.util.function.UnaryOperator<byte[]> reformat = m -> replaceFirst(replaceFirst(replaceFirst(m,
            "Line with trailing spaces   \r\n", "Line with trailing spaces\r\n"),
            "Line\twith\t\ttabs  and   spaces", "Line with tabs and spaces"),
            "To: bob@example.net,\r\n\t  carol@example.org,", "To: bob@example.net, carol@example.org,");

        assertThat(verifier.verify(reformat.apply(relaxed)).passed()).isTrue();
        assertThat(verifier.verify(reformat.apply(simple)).passed()).isFalse();
    }

    @Test
    void headerSectionAndBodyGivenSeparatelySignTheSameAsTheWholeMessage() throws IOException {
        byte[] message = eml("multipart-attachments.eml");
        int blank = text(message).indexOf("\r\n\r\n") + 4;
        byte[] headerSection = Arrays.copyOfRange(message, 0, blank);
        byte[] body = Arrays.copyOfRange(message, blank, message.length);

        String whole = signer().sign(new ByteArrayInputStream(message)).headerField();
        String withBlankLine = signer().sign(headerSection, new ByteArrayInputStream(body)).headerField();
        String withoutBlankLine = signer().sign(Arrays.copyOfRange(headerSection, 0, blank - 2),
            new ByteArrayInputStream(body)).headerField();

        assertThat(withBlankLine).isEqualTo(whole);
        assertThat(withoutBlankLine).isEqualTo(whole);
    }

    @Test
    void aTwentyMegabyteBodyIsHashedWhileStreamingWithoutBeingHeld() throws IOException {
        byte[] headers = bytes("From: reports@example.com\r\nTo: bob@example.net\r\nSubject: big export\r\n"
            + "Date: Tue, 3 Jun 2025 09:14:01 +0000\r\nMessage-ID: <big@app1.example.com>\r\n\r\n");
        long bodySize = 78L * 270_000; // 21 MB of 78-byte lines
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean allocations = threads instanceof com.sun.management.ThreadMXBean t ? t : null;
        long threadId = Thread.currentThread().getId();
        long before = allocations != null ? allocations.getThreadAllocatedBytes(threadId) : 0;

        DkimResult result = signer().sign(new java.io.SequenceInputStream(
            new ByteArrayInputStream(headers), new GeneratedBody(bodySize)));

        long allocated = allocations != null ? allocations.getThreadAllocatedBytes(threadId) - before : 0;
        assertThat(result.isSigned()).isTrue();
        if (allocations != null) {
            // a copy of the body would be 20 MB; streaming needs the read buffers and the header section
            assertThat(allocated).as("bytes allocated while signing").isLessThan(4L * 1024 * 1024);
        }
        byte[] message = concat(concat(result.headerBytes(), headers), new GeneratedBody(bodySize).readAllBytes());
        assertThat(verifier.verify(message).passed()).isTrue();
    }

    @Test
    void aMessageWithoutFromIsNotSignedAndSaysWhy() throws IOException {
        DkimResult result = signer().sign(new ByteArrayInputStream(eml("no-from.eml")));

        assertThat(result.isSigned()).isFalse();
        assertThat(result.reason()).isEqualTo("no From header field");
        assertThat(result.headerBytes()).isEmpty();
    }

    @Test
    void aFromInAnotherDomainIsNotSigned() throws IOException {
        DkimSigner exampleOrg = DkimSigner.builder("example.org", "mail2025", rsa2048()).clock(CLOCK).build();

        DkimResult result = exampleOrg.sign(new ByteArrayInputStream(eml("plain-text.eml")));

        assertThat(result.isSigned()).isFalse();
        assertThat(result.reason()).isEqualTo("From domain example.com is not the DKIM domain example.org");
    }

    @Test
    void aFromInASubdomainIsNotSignedWithTheParentDomainsKey() throws IOException {
        byte[] message = replaceFirst(eml("plain-text.eml"), "reports@example.com", "reports@news.example.com");

        DkimResult result = signer().sign(new ByteArrayInputStream(message));

        assertThat(result.isSigned()).isFalse();
        assertThat(result.reason()).contains("news.example.com");
    }

    @Test
    void twoFromFieldsAreNotSigned() throws IOException {
        byte[] message = concat(bytes("From: reports@example.com\r\n"), eml("plain-text.eml"));

        DkimResult result = signer().sign(new ByteArrayInputStream(message));

        assertThat(result.isSigned()).isFalse();
        assertThat(result.reason()).isEqualTo("2 From header fields");
    }

    @Test
    void fromDomainMatchesWhateverItsCaseOrDisplayName() throws IOException {
        byte[] message = replaceFirst(eml("plain-text.eml"), "From: Reports <reports@example.com>",
            "From: \"Reports (example.org)\" <Reports@EXAMPLE.COM>");

        byte[] signedMessage = signed(signer(), message);

        assertThat(verifier.verify(signedMessage).passed()).isTrue();
    }

    @Test
    void aHeaderLineWithoutColonIsNotSigned() throws IOException {
        byte[] message = replaceFirst(eml("plain-text.eml"), "MIME-Version: 1.0\r\n", "MIME-Version 1.0\r\n");

        DkimResult result = signer().sign(new ByteArrayInputStream(message));

        assertThat(result.isSigned()).isFalse();
        assertThat(result.reason()).isEqualTo("header line without a colon");
    }

    @Test
    void aMessageWithUnixLineEndsIsNotSigned() throws IOException {
        byte[] message = bytes(text(eml("plain-text.eml")).replace("\r\n", "\n"));

        DkimResult result = signer().sign(new ByteArrayInputStream(message));

        assertThat(result.isSigned()).isFalse();
        assertThat(result.reason()).isEqualTo("bare CR or LF in the header section");
    }

    @Test
    void ed25519KeysSignEd25519Sha256() throws IOException {
        DkimSigner ed = DkimSigner.builder("example.com", "ed2025", DkimFixtures.ed25519()).clock(CLOCK).build();

        DkimResult result = ed.sign(new ByteArrayInputStream(eml("plain-text.eml")));

        // jDKIM has no Ed25519: DkimRfc8463Test checks this algorithm against the RFC's own example
        assertThat(tags(result.headerField())).containsEntry("a", "ed25519-sha256");
        assertThat(Base64.getDecoder().decode(tags(result.headerField()).get("b"))).hasSize(64);
        assertThat(ed.dnsRecord()).startsWith("v=DKIM1; k=ed25519; p=").hasSize("v=DKIM1; k=ed25519; p=".length() + 44);
    }

    @Test
    void builderRefusesWhatCouldNotSignProperly() {
        assertThatThrownBy(() -> DkimSigner.builder("example.com", "s", DkimFixtures.rsa(512)))
            .hasMessageContaining("512 bits");
        assertThatThrownBy(() -> DkimSigner.builder("example.com", "s", rsa2048()).headers(List.of("Subject", "To")))
            .hasMessageContaining("must include From");
        assertThatThrownBy(() -> DkimSigner.builder("example.com", "bad selector", rsa2048()))
            .hasMessageContaining("selector");
        assertThatThrownBy(() -> DkimSigner.builder("not a domain", "s", rsa2048()))
            .hasMessageContaining("not a domain name");
        assertThatThrownBy(() -> DkimSigner.builder("example.com", "s", rsa2048()).canonicalization("loose/relaxed"))
            .hasMessageContaining("loose");
    }

    @Test
    void dnsRecordPublishesTheRsaPublicKey() {
        DkimSigner signer = signer();

        assertThat(signer.dnsName()).isEqualTo("mail2025._domainkey.example.com");
        assertThat(signer.dnsRecord()).isEqualTo("v=DKIM1; k=rsa; p="
            + Base64.getEncoder().encodeToString(rsa2048().getPublic().getEncoded()));
        assertThat(signer.toString()).doesNotContain("PRIVATE").contains("example.com");
    }

    private static String sha256Base64(String s) throws Exception {
        return Base64.getEncoder().encodeToString(
            MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * A text body made up as it is read, so the test itself never holds it: lines of 76 characters plus
     * CRLF (the size must be a multiple of 78), runs of spaces, and a whitespace-only line every 50 lines.
     */
    private static final class GeneratedBody extends InputStream {
        private final long size;
        private long position;

        GeneratedBody(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (position >= size) {
                return -1;
            }
            long line = position / 78;
            int column = (int) (position % 78);
            position++;
            if (column == 76) {
                return '\r';
            }
            if (column == 77) {
                return '\n';
            }
            if (line % 50 == 49) {
                return ' '; // a whitespace-only line: empty under relaxed
            }
            return column % 13 == 12 ? ' ' : 'a' + (int) ((line + column) % 26);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) read();
            }
            return n;
        }
    }
}
