package io.mailgateway.envelope;

import static io.mailgateway.envelope.EnvelopeFixtures.stream;
import static io.mailgateway.envelope.EnvelopeFixtures.text;
import static io.mailgateway.envelope.EnvelopeFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mailgateway.mail.RejectedMailException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.xml.parsers.SAXParserFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xml.sax.InputSource;
import org.xml.sax.helpers.DefaultHandler;

class EnvelopeReaderTest {

    private static final String SUBJECT = "Monatsbericht Juni – Übersicht ✓";

    private final EnvelopeReader reader = EnvelopeReader.create();
    private Path folder;

    @AfterEach
    void cleanUp() throws Exception {
        EnvelopeFixtures.delete(folder);
    }

    @Test
    void validEnvelopeIsReadIntoTheModel() throws Exception {
        EnvelopeDocument doc = reader.read(stream("valid-text-and-attachment.xml"), "valid-text-and-attachment.xml");

        assertThat(doc.getVersion()).isEqualTo("1");
        assertThat(doc.getFrom().getAddress()).isEqualTo("reports@example.com");
        assertThat(doc.getFrom().getName()).isEqualTo("Jürgen Müller (Reports)");
        assertThat(doc.getReplyTo().getAddress()).isEqualTo("desk@example.com");
        assertThat(doc.getTo()).extracting(EnvelopeMailbox::getAddress)
            .containsExactly("alice@example.org", "bob@example.org");
        assertThat(doc.getCc()).extracting(EnvelopeMailbox::getAddress)
            .containsExactly("carol@example.org", "ALICE@example.org");
        assertThat(doc.getBcc()).extracting(EnvelopeMailbox::getAddress).containsExactly("auditor@example.net");
        assertThat(doc.getSubject()).isEqualTo(SUBJECT);
        assertThat(doc.getText()).startsWith("Hello,\nplease");
        assertThat(doc.getHtml()).startsWith("<p>Hello,</p>");
        assertThat(doc.getAttachments()).hasSize(2);
        assertThat(doc.getAttachments().get(0).getFile()).isEqualTo("report.pdf");
        assertThat(doc.getAttachments().get(1).getName()).isEqualTo("data.csv");
        assertThat(doc.getAttachments().get(1).getContentType()).isEqualTo("text/csv");
        assertThat(doc.getHeaders()).extracting(EnvelopeHeader::getName).containsExactly("X-Report-Id", "X-Department");
        assertThat(doc.getHeaders().get(1).getValue()).isEqualTo("Finanzen & Controlling – Nord");
        assertThat(doc.getIdempotencyKey()).isEqualTo("report-2024-06-run-1");
    }

    @Test
    void minimalEnvelopeWithEmptySubjectIsValid() throws Exception {
        EnvelopeDocument doc = reader.read(stream("valid-minimal.xml"), "valid-minimal.xml");

        assertThat(doc.getSubject()).isEmpty();
        assertThat(doc.getReplyTo()).isNull();
        assertThat(doc.getAttachments()).isEmpty();
        assertThat(doc.getIdempotencyKey()).isNull();
    }

    @Test
    void utf16WithByteOrderMarkIsDecodedFromTheBom() throws Exception {
        String xml = text("valid-text-and-attachment.xml").replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
        byte[] bigEndian = xml.getBytes(StandardCharsets.UTF_16); // writes a BOM, big-endian
        ByteArrayOutputStream littleEndian = new ByteArrayOutputStream();
        littleEndian.write(new byte[] {(byte) 0xFF, (byte) 0xFE});
        littleEndian.write(xml.getBytes(StandardCharsets.UTF_16LE));

        for (byte[] bytes : new byte[][] {bigEndian, littleEndian.toByteArray()}) {
            EnvelopeDocument doc = reader.read(new ByteArrayInputStream(bytes), "valid-utf16-bom.xml");
            assertThat(doc.getSubject()).isEqualTo(SUBJECT);
            assertThat(doc.getFrom().getName()).isEqualTo("Jürgen Müller (Reports)");
        }
    }

    @Test
    void utf8WithByteOrderMarkIsRead() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.write(text("valid-text-and-attachment.xml").getBytes(StandardCharsets.UTF_8));

        EnvelopeDocument doc = reader.read(new ByteArrayInputStream(bytes.toByteArray()), "bom.xml");

        assertThat(doc.getSubject()).isEqualTo(SUBJECT);
    }

    @Test
    void encodingDeclarationIsHonoured() throws Exception {
        String xml = text("valid-minimal.xml")
            .replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"")
            .replace("<subject/>", "<subject>Grüße</subject>");

        EnvelopeDocument doc = reader.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.ISO_8859_1)), "l1.xml");

        assertThat(doc.getSubject()).isEqualTo("Grüße");
    }

    @Test
    void missingRecipientIsRejectedByTheSchemaWithPosition() {
        assertThatThrownBy(() -> reader.read(stream("invalid-no-recipient.xml"), "invalid-no-recipient.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageStartingWith("invalid-no-recipient.xml line 4, column ")
            .hasMessageContaining("subject")
            .hasMessageContaining("to");
    }

    @Test
    void unknownElementIsRejectedWithLineAndColumn() {
        assertThatThrownBy(() -> reader.read(stream("invalid-unknown-element.xml"), "invalid-unknown-element.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageMatching("invalid-unknown-element\\.xml line 5, column \\d+: .*priority.*");
    }

    @Test
    void headerNameWithoutXPrefixIsRejectedByTheSchema() {
        assertThatThrownBy(() -> reader.read(stream("invalid-header-name.xml"), "invalid-header-name.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageStartingWith("invalid-header-name.xml line 8, column ")
            .hasMessageContaining("Bcc");
    }

    @Test
    void malformedBase64IsRejectedByTheSchema() {
        assertThatThrownBy(() -> reader.read(stream("invalid-bad-base64.xml"), "invalid-bad-base64.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageStartingWith("invalid-bad-base64.xml line 6, column ")
            .hasMessageContaining("base64Binary");
    }

    @Test
    void otherVersionIsRejectedBecauseVersionIsFixed() {
        assertThatThrownBy(() -> reader.read(stream("invalid-wrong-version.xml"), "invalid-wrong-version.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageStartingWith("invalid-wrong-version.xml line 2, column ")
            .hasMessageContaining("version");
    }

    @Test
    void envelopeWithoutNamespaceIsRejected() {
        assertThatThrownBy(() -> reader.read(stream("invalid-no-namespace.xml"), "invalid-no-namespace.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageStartingWith("invalid-no-namespace.xml line 2, column ")
            .hasMessageContaining("envelope");
    }

    @Test
    void externalEntityReadingALocalFileIsRejectedAndItsContentNeverAppears() throws Exception {
        folder = EnvelopeFixtures.scratchFolder();
        Path secret = Files.writeString(folder.resolve("secret.txt"), "TOP-SECRET-CANARY-4711");
        String xml = text("hostile-xxe-local-file.xml").replace("@SECRET_URL@", secret.toUri().toString());

        assertThatThrownBy(() -> reader.read(utf8(xml), "hostile-xxe-local-file.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessage("hostile-xxe-local-file.xml line 4, column 10: DOCTYPE is not allowed (no DTDs, no external"
                + " entities)")
            .satisfies(e -> assertThat(stackTraceOf(e)).doesNotContain("TOP-SECRET-CANARY-4711"));
    }

    @Test
    void externalEntityReadingEtcHostnameIsRejected() {
        String xml = text("hostile-xxe-local-file.xml").replace("@SECRET_URL@", "file:///etc/hostname");

        assertThatThrownBy(() -> reader.read(utf8(xml), "hostile-xxe-local-file.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageContaining("DOCTYPE is not allowed");
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void parameterEntityPointingAtACanaryIsRejectedWithoutAnyConnection() throws Exception {
        try (EnvelopeFixtures.Canary canary = new EnvelopeFixtures.Canary()) {
            String xml = text("hostile-parameter-entity-canary.xml").replace("@CANARY_PORT@", String.valueOf(canary.port()));

            assertThatThrownBy(() -> reader.read(utf8(xml), "hostile-parameter-entity-canary.xml"))
                .isInstanceOf(RejectedMailException.class)
                .hasMessageContaining("line 4, column 10: DOCTYPE is not allowed");
            assertThat(canary.sawConnection()).as("connection to the canary").isFalse();
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void canaryDetectsAParserThatIsNotHardened() throws Exception {
        // proves the canary test above can fail: a default JDK parser does fetch the parameter entity
        try (EnvelopeFixtures.Canary canary = new EnvelopeFixtures.Canary()) {
            String xml = text("hostile-parameter-entity-canary.xml").replace("@CANARY_PORT@", String.valueOf(canary.port()));
            try {
                SAXParserFactory.newDefaultInstance().newSAXParser()
                    .parse(new InputSource(utf8(xml)), new DefaultHandler());
            } catch (Exception expected) {
                // the canary hangs up, so the fetch fails; the connection is what counts
            }
            assertThat(canary.sawConnection()).as("connection to the canary").isTrue();
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void schemaLocationHintIsNeverFetched() throws Exception {
        try (EnvelopeFixtures.Canary canary = new EnvelopeFixtures.Canary()) {
            String xml = text("hostile-schema-location-canary.xml").replace("@CANARY_PORT@", String.valueOf(canary.port()));

            assertThatThrownBy(() -> reader.read(utf8(xml), "hostile-schema-location-canary.xml"))
                .isInstanceOf(RejectedMailException.class)
                .hasMessageContaining("extra");
            assertThat(canary.sawConnection()).as("connection to the canary").isFalse();
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void xincludeIsNeverProcessed() throws Exception {
        try (EnvelopeFixtures.Canary canary = new EnvelopeFixtures.Canary()) {
            String xml = text("hostile-xinclude-canary.xml").replace("@CANARY_PORT@", String.valueOf(canary.port()));

            assertThatThrownBy(() -> reader.read(utf8(xml), "hostile-xinclude-canary.xml"))
                .isInstanceOf(RejectedMailException.class)
                .hasMessageContaining("line 7, column");
            assertThat(canary.sawConnection()).as("connection to the canary").isFalse();
        }
    }

    @Test
    void billionLaughsIsRejectedFast() {
        RejectedMailException e = assertTimeoutPreemptively(Duration.ofSeconds(2),
            () -> catchRejection(() -> reader.read(stream("hostile-billion-laughs.xml"), "hostile-billion-laughs.xml")));

        assertThat(e).hasMessageContaining("line 3, column 10: DOCTYPE is not allowed");
    }

    @Test
    void tenThousandNestedElementsAreRejectedWithoutStackOverflow() throws Exception {
        StringBuilder xml = new StringBuilder("<envelope xmlns=\"urn:mailgateway:envelope:1\" version=\"1\">\n");
        xml.append("<a>".repeat(10_000)).append("</a>".repeat(10_000)).append("\n</envelope>");

        // a small stack, so that a recursive parser would overflow if the limits did not hold
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(null, r, "small-stack", 256 * 1024));
        try {
            Future<RejectedMailException> result = executor.submit(
                () -> catchRejection(() -> reader.read(utf8(xml.toString()), "deep.xml")));
            assertThat(result.get()).hasMessageStartingWith("deep.xml line 2, column ");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void binaryGarbageIsRejected() {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);

        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(garbage), "garbage.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageStartingWith("garbage.xml: not text in the encoding its byte order mark or XML declaration names");
    }

    @Test
    void textThatIsNotXmlIsRejectedWithPosition() {
        assertThatThrownBy(() -> reader.read(utf8("From: a@example.com\r\n\r\nHello"), "not-xml.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageStartingWith("not-xml.xml line 1, column 1: ");
    }

    @Test
    void emptyInputIsRejected() {
        assertThatThrownBy(() -> reader.read(InputStream.nullInputStream(), "empty.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessage("empty.xml: envelope is empty (0 bytes)");
    }

    @Test
    void inputOverTheSizeLimitIsRejectedBeforeParsing() {
        EnvelopeReader small = EnvelopeReader.create(100);
        byte[] bytes = text("valid-minimal.xml").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> small.read(new ByteArrayInputStream(bytes), "big.xml"))
            .isInstanceOf(RejectedMailException.class)
            .hasMessage("big.xml: envelope larger than 100 bytes");
    }

    @Test
    void inputExactlyAtTheSizeLimitIsRead() throws Exception {
        byte[] bytes = text("valid-minimal.xml").getBytes(StandardCharsets.UTF_8);

        EnvelopeDocument doc = EnvelopeReader.create(bytes.length).read(new ByteArrayInputStream(bytes), "exact.xml");

        assertThat(doc.getTo()).hasSize(1);
    }

    @Test
    void readerIsSafeToShareBetweenThreads() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(8);
        try {
            var futures = new java.util.ArrayList<Future<EnvelopeDocument>>();
            for (int i = 0; i < 64; i++) {
                futures.add(executor.submit(() -> reader.read(stream("valid-text-and-attachment.xml"), "shared.xml")));
            }
            for (Future<EnvelopeDocument> future : futures) {
                assertThat(future.get().getSubject()).isEqualTo(SUBJECT);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static RejectedMailException catchRejection(Callable<?> call) {
        try {
            call.call();
        } catch (RejectedMailException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a RejectedMailException", e);
        }
        throw new AssertionError("expected a RejectedMailException, the envelope was accepted");
    }

    private static String stackTraceOf(Throwable e) {
        var out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
