package io.mailgateway.envelope;

import static io.mailgateway.envelope.EnvelopeFixtures.stream;
import static io.mailgateway.envelope.EnvelopeFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.mail.MailSpool;
import io.mailgateway.mail.RejectedMailException;
import io.mailgateway.mail.SubmittedMail;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeComposerTest {

    private static final byte[] PDF = "%PDF-1.4\n% test \u00e4\n%%EOF\n".getBytes(StandardCharsets.UTF_8);

    private final EnvelopeReader reader = EnvelopeReader.create();
    private final Path spoolFolder = Path.of("target", "envelope-spool", java.util.UUID.randomUUID().toString());
    private final MailSpool spool = new MailSpool(spoolFolder, MailSpool.DEFAULT_MEMORY_LIMIT);
    private final EnvelopeComposer composer = new EnvelopeComposer(spool);
    private Path pickup;
    private FolderAttachmentResolver folder;

    @BeforeEach
    void createPickupFolder() throws Exception {
        pickup = EnvelopeFixtures.scratchFolder();
        Files.write(pickup.resolve("report.pdf"), PDF);
        folder = new FolderAttachmentResolver(pickup, pickup);
    }

    @AfterEach
    void cleanUp() throws Exception {
        EnvelopeFixtures.delete(pickup);
    }

    @Test
    void validEnvelopeBecomesAMessageThatParsesBack() throws Exception {
        SubmittedMail mail = compose("valid-text-and-attachment.xml", 100);
        MimeMessage message = parse(mail.content().bytes());

        assertThat(message.getSubject()).isEqualTo("Monatsbericht Juni – Übersicht ✓");
        InternetAddress from = (InternetAddress) message.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("reports@example.com");
        assertThat(from.getPersonal()).isEqualTo("Jürgen Müller (Reports)");
        assertThat(addresses(message.getReplyTo())).containsExactly("desk@example.com");
        assertThat(addresses(message.getRecipients(Message.RecipientType.TO)))
            .containsExactly("alice@example.org", "bob@example.org");
        assertThat(((InternetAddress) message.getRecipients(Message.RecipientType.TO)[0]).getPersonal())
            .isEqualTo("Alice Ärger");
        assertThat(addresses(message.getRecipients(Message.RecipientType.CC)))
            .containsExactly("carol@example.org", "ALICE@example.org");
        assertThat(message.getHeader("X-Report-Id")).containsExactly("2024-06");
        assertThat(message.getHeader("X-Department", null)).isNotNull();
        assertThat(jakarta.mail.internet.MimeUtility.decodeText(message.getHeader("X-Department", null)))
            .isEqualTo("Finanzen & Controlling – Nord");

        MimeMultipart mixed = (MimeMultipart) message.getContent();
        assertThat(message.getContentType()).startsWith("multipart/mixed");
        assertThat(mixed.getCount()).isEqualTo(3);

        MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative");
        BodyPart text = alternative.getBodyPart(0);
        BodyPart html = alternative.getBodyPart(1);
        assertThat(text.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat((String) text.getContent()).isEqualTo("Hello,\r\nplease find the June report attached.\r\nGrüße");
        assertThat(html.getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
        assertThat((String) html.getContent()).contains("<b>June</b>", "Grüße");

        BodyPart pdf = mixed.getBodyPart(1);
        assertThat(pdf.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(pdf.getFileName()).isEqualTo("report.pdf");
        assertThat(pdf.getContentType()).startsWith("application/pdf");
        assertThat(pdf.getInputStream().readAllBytes()).isEqualTo(PDF);

        BodyPart csv = mixed.getBodyPart(2);
        assertThat(csv.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(csv.getFileName()).isEqualTo("data.csv");
        // no charset invented for bytes the gateway knows nothing about
        assertThat(csv.getContentType()).isEqualTo("text/csv; name=data.csv");
        assertThat(csv.getInputStream().readAllBytes()).isEqualTo("id;name\n1;Jürgen\n".getBytes(StandardCharsets.UTF_8));
        assertThat(csv.getHeader("Content-Transfer-Encoding")).containsExactly("base64");
    }

    @Test
    void envelopeHasSenderAndDistinctRecipientsIncludingBcc() throws Exception {
        SubmittedMail mail = compose("valid-text-and-attachment.xml", 100);

        assertThat(mail.envelope().sender()).isEqualTo("reports@example.com");
        // ALICE@example.org in cc is the same mailbox as alice@example.org in to
        assertThat(mail.envelope().recipients())
            .containsExactly("alice@example.org", "bob@example.org", "carol@example.org", "auditor@example.net");
        assertThat(mail.idempotencyKey()).isEqualTo("report-2024-06-run-1");
        assertThat(mail.companionFiles()).containsExactly(pickup.resolve("report.pdf"));
    }

    @Test
    void bccIsNeverWrittenIntoTheMessage() throws Exception {
        SubmittedMail mail = compose("valid-text-and-attachment.xml", 100);

        assertThat(parse(mail.content().bytes()).getHeader("Bcc")).isNull();
        assertThat(new String(mail.content().bytes(), StandardCharsets.US_ASCII)).doesNotContain("auditor@example.net");
    }

    @Test
    void noMessageIdIsSetBecauseTheGatewayAddsIt() throws Exception {
        SubmittedMail mail = compose("valid-text-and-attachment.xml", 100);

        assertThat(parse(mail.content().bytes()).getHeader("Message-ID")).isNull();
        assertThat(parse(mail.content().bytes()).getSentDate()).isNotNull();
        assertThat(new String(mail.content().bytes(), StandardCharsets.US_ASCII)).doesNotContainIgnoringCase("message-id:");
    }

    @Test
    void messageUsesCrlfLineEndingsOnlyAndSevenBitText() throws Exception {
        byte[] content = compose("valid-text-and-attachment.xml", 100).content().bytes();

        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                assertThat(i).as("LF at %d preceded by CR", i).isPositive();
                assertThat(content[i - 1]).as("byte before LF at %d", i).isEqualTo((byte) '\r');
            }
            if (content[i] == '\r') {
                assertThat(content[i + 1]).as("byte after CR at %d", i).isEqualTo((byte) '\n');
            }
            assertThat(content[i]).as("byte %d is ASCII", i).isNotNegative();
        }
    }

    @Test
    void textOnlyIsASinglePart() throws Exception {
        EnvelopeDocument doc = minimal();
        doc.setText("line 1\nline 2\rline 3\r\n");

        MimeMessage message = parse(composer.compose(doc, AttachmentResolver.none(), 10).content().bytes());

        assertThat(message.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat((String) message.getContent()).isEqualTo("line 1\r\nline 2\r\nline 3\r\n");
    }

    @Test
    void htmlOnlyIsASingleHtmlPart() throws Exception {
        EnvelopeDocument doc = minimal();
        doc.setText(null);
        doc.setHtml("<p>Grüße</p>");

        MimeMessage message = parse(composer.compose(doc, AttachmentResolver.none(), 10).content().bytes());

        assertThat(message.getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
        assertThat((String) message.getContent()).isEqualTo("<p>Grüße</p>");
    }

    @Test
    void attachmentOnlyIsAMixedMessageWithOnePart() throws Exception {
        EnvelopeDocument doc = minimal();
        doc.setText(null);
        doc.getAttachments().add(EnvelopeAttachment.file("report.pdf"));

        MimeMessage message = parse(composer.compose(doc, folder, 10).content().bytes());

        MimeMultipart mixed = (MimeMultipart) message.getContent();
        assertThat(mixed.getCount()).isEqualTo(1);
        assertThat(mixed.getBodyPart(0).getFileName()).isEqualTo("report.pdf");
    }

    @Test
    void contentTypeComesFromTheExtensionOrTheAttribute() throws Exception {
        EnvelopeDocument doc = minimal();
        String data = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
        doc.getAttachments().add(EnvelopeAttachment.inline("Book1.XLSX", null, data));
        doc.getAttachments().add(EnvelopeAttachment.inline("photo.jpg", null, data));
        doc.getAttachments().add(EnvelopeAttachment.inline("blob.bin", null, data));
        doc.getAttachments().add(EnvelopeAttachment.inline("noextension", null, data));
        doc.getAttachments().add(EnvelopeAttachment.inline("data.bin", "application/vnd.example+json", data));

        MimeMultipart mixed = (MimeMultipart) parse(composer.compose(doc, folder, 10).content().bytes()).getContent();

        assertThat(mixed.getBodyPart(1).getContentType())
            .startsWith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assertThat(mixed.getBodyPart(2).getContentType()).startsWith("image/jpeg");
        assertThat(mixed.getBodyPart(3).getContentType()).startsWith("application/octet-stream");
        assertThat(mixed.getBodyPart(4).getContentType()).startsWith("application/octet-stream");
        assertThat(mixed.getBodyPart(5).getContentType()).startsWith("application/vnd.example+json");
    }

    @Test
    void nonAsciiAttachmentNameSurvives() throws Exception {
        EnvelopeDocument doc = minimal();
        doc.getAttachments().add(EnvelopeAttachment.inline("Übersicht Juni.csv", null, "QQ=="));

        MimeMultipart mixed = (MimeMultipart) parse(composer.compose(doc, folder, 10).content().bytes()).getContent();

        assertThat(jakarta.mail.internet.MimeUtility.decodeText(mixed.getBodyPart(1).getFileName()))
            .isEqualTo("Übersicht Juni.csv");
    }

    @Test
    void hostileFixturesWithCrlfAreRejectedAndNeverBecomeHeaders() throws Exception {
        for (String fixture : List.of("hostile-crlf-in-subject.xml", "hostile-crlf-in-address.xml",
            "hostile-crlf-in-display-name.xml", "hostile-crlf-in-header-value.xml")) {
            // the reader accepts them: character references are well-formed XML and the schema allows them
            EnvelopeDocument doc = reader.read(stream(fixture), fixture);

            assertThatThrownBy(() -> composer.compose(doc, folder, 10))
                .as(fixture)
                .isInstanceOf(RejectedMailException.class)
                .hasMessageContaining("line break or control character")
                // shown with '?' in place of CR LF, so the reason file cannot carry the injected line either
                .hasMessageContaining("??Bcc: victim@evil.example");
        }
    }

    @Test
    void sameValuesWithoutCrlfStayOnTheirOwnHeaderLine() throws Exception {
        // the control for the test above: with a space instead of CR LF, "Bcc:" is only text inside a field
        EnvelopeDocument doc = minimal();
        doc.setSubject("Report Bcc: victim@evil.example");
        doc.getFrom().setName("Reports Bcc: victim@evil.example");
        doc.getHeaders().add(new EnvelopeHeader("X-Report-Id", "1 Bcc: victim@evil.example"));

        SubmittedMail mail = composer.compose(doc, folder, 10);
        MimeMessage message = parse(mail.content().bytes());

        assertThat(message.getHeader("Bcc")).isNull();
        assertThat(message.getSubject()).isEqualTo("Report Bcc: victim@evil.example");
        assertThat(mail.envelope().recipients()).containsExactly("alice@example.org");
        String headers = new String(mail.content().bytes(), StandardCharsets.US_ASCII);
        assertThat(headers.lines().filter(line -> line.regionMatches(true, 0, "bcc:", 0, 4))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Report\r\nBcc: x@evil.example", "Report\nBcc: x@evil.example", "Report\rX", "tab\there",
        "nul\u0000", "next-line\u0085", "line-separator\u2028", "del\u007f"})
    void anyControlCharacterInTheSubjectIsRejected(String subject) {
        EnvelopeDocument doc = minimal();
        doc.setSubject(subject);

        assertThatThrownBy(() -> composer.compose(doc, folder, 10))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageStartingWith("subject '")
            .hasMessageEndingWith("' contains a line break or control character");
    }

    @Test
    void controlCharactersInEveryHeaderBoundValueAreRejected() {
        EnvelopeDocument badAddress = minimal();
        badAddress.getCc().add(EnvelopeMailbox.of("carol@example.org\nBcc: x@evil.example"));
        EnvelopeDocument badName = minimal();
        badName.getTo().get(0).setName("Alice\r\nBcc: x@evil.example");
        EnvelopeDocument badReplyTo = minimal();
        badReplyTo.setReplyTo(new EnvelopeMailbox("desk@example.com", "Desk\rX"));
        EnvelopeDocument badHeader = minimal();
        badHeader.getHeaders().add(new EnvelopeHeader("X-Id", "1\r\n\r\nbody"));
        EnvelopeDocument badKey = minimal();
        badKey.setIdempotencyKey("key\n2");

        assertThatThrownBy(() -> composer.compose(badAddress, folder, 10)).hasMessageStartingWith("cc address '");
        assertThatThrownBy(() -> composer.compose(badName, folder, 10)).hasMessageStartingWith("to name '");
        assertThatThrownBy(() -> composer.compose(badReplyTo, folder, 10)).hasMessageStartingWith("replyTo name '");
        assertThatThrownBy(() -> composer.compose(badHeader, folder, 10)).hasMessageStartingWith("header X-Id '");
        assertThatThrownBy(() -> composer.compose(badKey, folder, 10)).hasMessageStartingWith("idempotencyKey '");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Alice <alice@example.org>", "<alice@example.org>", "alice@example.org (Alice)",
        "alice@example.org, bob@example.org", "undisclosed-recipients:;", "alice", "alice@", "@example.org",
        " alice@example.org", "alice@exa mple.org"})
    void addressMustBeASinglePlainAddrSpec(String address) {
        EnvelopeDocument doc = minimal();
        doc.getTo().set(0, EnvelopeMailbox.of(address));

        assertThatThrownBy(() -> composer.compose(doc, folder, 10))
            .isInstanceOf(RejectedMailException.class)
            .hasMessageStartingWith("to address '" + address + "'");
    }

    @Test
    void noRecipientIsRejected() {
        EnvelopeDocument doc = minimal();
        doc.getTo().clear();

        assertThatThrownBy(() -> composer.compose(doc, folder, 10)).hasMessage("no recipients: add at least one <to>");
    }

    @Test
    void tenThousandRecipientsAreRejected() throws Exception {
        StringBuilder xml = new StringBuilder("<envelope xmlns=\"urn:mailgateway:envelope:1\" version=\"1\">")
            .append("<from>reports@example.com</from>");
        for (int i = 0; i < 10_000; i++) {
            xml.append("<to>user").append(i).append("@example.org</to>");
        }
        xml.append("<subject>Everyone</subject><text>Hello</text></envelope>");
        EnvelopeDocument doc = reader.read(utf8(xml.toString()), "many.xml");

        assertThatThrownBy(() -> composer.compose(doc, folder, 100))
            .isInstanceOf(RejectedMailException.class)
            .hasMessage("10000 recipients, at most 100 allowed");
    }

    @Test
    void recipientLimitCountsDistinctMailboxes() throws Exception {
        EnvelopeDocument doc = minimal();
        doc.getCc().add(EnvelopeMailbox.of("Alice@Example.org"));
        doc.getBcc().add(EnvelopeMailbox.of("alice@example.org"));

        SubmittedMail mail = composer.compose(doc, folder, 1);

        assertThat(mail.envelope().recipients()).containsExactly("alice@example.org");
    }

    @Test
    void headerNameOutsideTheXNamespaceIsRejected() {
        EnvelopeDocument doc = minimal();
        doc.getHeaders().add(new EnvelopeHeader("Bcc", "victim@evil.example"));

        assertThatThrownBy(() -> composer.compose(doc, folder, 10))
            .hasMessage("header name 'Bcc' is not allowed: custom headers must match X-[A-Za-z0-9-]+");
    }

    @Test
    void messageWithoutTextHtmlOrAttachmentIsRejected() {
        EnvelopeDocument doc = minimal();
        doc.setText("");

        assertThatThrownBy(() -> composer.compose(doc, folder, 10))
            .hasMessage("empty message: no text, no html and no attachment");
    }

    @Test
    void malformedBase64IsRejectedNamingTheAttachment() {
        EnvelopeDocument bad = minimal();
        bad.getAttachments().add(EnvelopeAttachment.inline("data.bin", null, "not*base64!"));
        EnvelopeDocument unpadded = minimal();
        unpadded.getAttachments().add(EnvelopeAttachment.inline("short.bin", null, "QQ"));

        assertThatThrownBy(() -> composer.compose(bad, folder, 10))
            .hasMessageStartingWith("attachment 'data.bin': content is not valid base64");
        assertThatThrownBy(() -> composer.compose(unpadded, folder, 10))
            .hasMessageStartingWith("attachment 'short.bin': content is not valid base64");
    }

    @Test
    void invalidContentTypeIsRejected() {
        EnvelopeDocument doc = minimal();
        doc.getAttachments().add(EnvelopeAttachment.inline("a.txt", "text/plain; charset=\"x\"\r\nBcc: x", "QQ=="));

        assertThatThrownBy(() -> composer.compose(doc, folder, 10))
            .hasMessageStartingWith("attachment 'a.txt': content type 'text/plain; charset=\"x\"??Bcc: x'");
    }

    @Test
    void attachmentWithBothFileAndInlineContentIsRejected() {
        EnvelopeDocument doc = minimal();
        EnvelopeAttachment both = EnvelopeAttachment.file("report.pdf");
        both.setContent("QQ==");
        doc.getAttachments().add(both);

        assertThatThrownBy(() -> composer.compose(doc, folder, 10))
            .hasMessage("attachment 'report.pdf': give either file or name with inline content, not both");
    }

    @Test
    void attachmentWithNeitherFileNorNameIsRejected() {
        EnvelopeDocument doc = minimal();
        EnvelopeAttachment neither = new EnvelopeAttachment();
        neither.setContent("QQ==");
        doc.getAttachments().add(neither);

        assertThatThrownBy(() -> composer.compose(doc, folder, 10))
            .hasMessage("attachment #1: needs a file attribute or a name attribute with inline content");
    }

    @Test
    void inlineNameWithFoldersIsRejected() {
        EnvelopeDocument doc = minimal();
        doc.getAttachments().add(EnvelopeAttachment.inline("../evil.exe", null, "QQ=="));

        assertThatThrownBy(() -> composer.compose(doc, folder, 10))
            .hasMessage("attachment '../evil.exe': the name must be a plain file name, without folders");
    }

    @Test
    void fileReferencesGoThroughTheResolverOnly() {
        EnvelopeDocument doc = minimal();
        doc.getAttachments().add(EnvelopeAttachment.file("../secret.txt"));
        EnvelopeDocument jms = minimal();
        jms.getAttachments().add(EnvelopeAttachment.file("report.pdf"));

        assertThatThrownBy(() -> composer.compose(doc, folder, 10))
            .hasMessageStartingWith("attachment '../secret.txt' refused");
        assertThatThrownBy(() -> composer.compose(jms, AttachmentResolver.none(), 10))
            .hasMessageContaining("not allowed here ('report.pdf')");
    }

    @Test
    void messageOverTheSizeLimitIsRejected() {
        EnvelopeDocument doc = minimal();
        doc.getAttachments().add(EnvelopeAttachment.inline("big.bin", null,
            Base64.getEncoder().encodeToString(new byte[20_000])));

        assertThatThrownBy(() -> new EnvelopeComposer(10_000, spool).compose(doc, folder, 10))
            .isInstanceOf(RejectedMailException.class)
            .hasMessage("message larger than 10000 bytes");
    }

    @Test
    void aLargeAttachmentFileIsStreamedIntoASpoolFileThatClosingTheContentDeletes() throws Exception {
        byte[] large = new byte[1_000_000];
        new java.util.Random(7).nextBytes(large);
        Files.write(pickup.resolve("export.bin"), large);
        EnvelopeDocument doc = minimal();
        doc.getAttachments().add(EnvelopeAttachment.file("export.bin"));

        SubmittedMail mail = composer.compose(doc, folder, 10);

        assertThat(mail.content().size()).isGreaterThan(1_300_000);
        assertThat(spoolFiles()).isEqualTo(1);
        MimeMultipart mixed = (MimeMultipart) parse(mail.content().bytes()).getContent();
        assertThat(mixed.getBodyPart(1).getInputStream().readAllBytes()).isEqualTo(large);
        mail.content().close();
        assertThat(spoolFiles()).isZero();
    }

    @Test
    void aMessageOverTheLimitLeavesNoSpoolFile() throws Exception {
        Files.write(pickup.resolve("export.bin"), new byte[2_000_000]);
        EnvelopeDocument doc = minimal();
        doc.getAttachments().add(EnvelopeAttachment.file("export.bin"));

        assertThatThrownBy(() -> new EnvelopeComposer(1_000_000, spool).compose(doc, folder, 10))
            .hasMessage("message larger than 1000000 bytes");
        assertThat(spoolFiles()).isZero();
    }

    private long spoolFiles() throws Exception {
        if (!Files.isDirectory(spoolFolder)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> files = Files.list(spoolFolder)) {
            return files.count();
        }
    }

    private SubmittedMail compose(String fixture, int maxRecipients) throws Exception {
        return composer.compose(reader.read(stream(fixture), fixture), folder, maxRecipients);
    }

    private static EnvelopeDocument minimal() {
        EnvelopeDocument doc = new EnvelopeDocument();
        doc.setFrom(EnvelopeMailbox.of("reports@example.com"));
        doc.getTo().add(EnvelopeMailbox.of("alice@example.org"));
        doc.setSubject("Report");
        doc.setText("Hello");
        return doc;
    }

    private static MimeMessage parse(byte[] content) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(content));
    }

    private static List<String> addresses(Address[] addresses) {
        return java.util.Arrays.stream(addresses).map(a -> ((InternetAddress) a).getAddress()).toList();
    }
}
