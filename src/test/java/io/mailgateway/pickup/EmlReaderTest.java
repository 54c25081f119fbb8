package io.mailgateway.pickup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.mail.HeaderFields;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.RejectedMailException;
import io.mailgateway.mail.SubmittedMail;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.UUID;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class EmlReaderTest {

    private static final int MAX_RECIPIENTS = 100;

    private final EmlReader reader = new EmlReader();

    private static byte[] fixture(String name) {
        try (InputStream in = EmlReaderTest.class.getResourceAsStream("/eml/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String text(MailContent content) {
        try {
            return text(content.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SubmittedMail read(byte[] file) throws RejectedMailException {
        return reader.read(MailContent.of(file), "test.eml", MAX_RECIPIENTS);
    }

    private SubmittedMail read(String file) throws RejectedMailException {
        return read(bytes(file));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(byte[] file) {
        return assertThatThrownBy(() -> read(file)).isInstanceOf(RejectedMailException.class);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String file) {
        return assertRejected(bytes(file));
    }

    @Test
    void theDigestGivenSeesEveryByteOfTheFileInThePassThatChecksIt() throws Exception {
        byte[] file = fixture("unix-line-endings.eml");
        MessageDigest digest = MessageDigest.getInstance("SHA-256");

        reader.read(MailContent.of(file), "test.eml", MAX_RECIPIENTS, digest);

        assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(file));
    }

    // IIS pickup convention

    @Test
    void iisXSenderAndXReceiverMakeTheEnvelopeAndAreRemoved() throws Exception {
        byte[] file = fixture("iis-x-sender-x-receiver.eml");

        SubmittedMail mail = read(file);

        assertThat(mail.envelope().sender()).isEqualTo("reports@example.org");
        assertThat(mail.envelope().recipients()).containsExactly("alice@example.org", "bob@example.net");
        String expected = text(file)
            .replace("x-sender: <reports@example.org>\r\n", "")
            .replace("X-Receiver: <alice@example.org>\r\n", "")
            .replace("X-RECEIVER: bob@example.net\r\n", "")
            .replace("x-receiver: Alice@Example.org\r\n", "")
            .replace("Bcc: hidden@example.org\r\n", "");
        assertThat(text(mail.content())).isEqualTo(expected).startsWith("From: Reporting <noreply@example.org>\r\n");
    }

    @Test
    void iisBodyLineThatLooksLikeXReceiverIsNeitherARecipientNorRemoved() throws Exception {
        SubmittedMail mail = read(fixture("iis-x-sender-x-receiver.eml"));

        assertThat(mail.envelope().recipients()).doesNotContain("body-line@example.org");
        assertThat(text(mail.content())).endsWith("\r\n\r\nThe X-Sender and X-Receiver fields above are the envelope.\r\n"
            + "X-Receiver: body-line@example.org\r\n");
    }

    @Test
    void iisXReceiverMakesHeaderRecipientsIrrelevant() throws Exception {
        SubmittedMail mail = read(fixture("iis-x-sender-x-receiver.eml"));

        assertThat(mail.envelope().recipients()).doesNotContain("all@example.org", "hidden@example.org");
    }

    @Test
    void xReceiverWithoutXSenderTakesTheSenderFromTheHeaders() throws Exception {
        SubmittedMail mail = read("X-Receiver: <rcpt@example.org>\r\nFrom: Me <me@example.org>\r\nTo: other@example.org\r\n"
            + "\r\nbody\r\n");

        assertThat(mail.envelope().sender()).isEqualTo("me@example.org");
        assertThat(mail.envelope().recipients()).containsExactly("rcpt@example.org");
        assertThat(text(mail.content())).isEqualTo("From: Me <me@example.org>\r\nTo: other@example.org\r\n\r\nbody\r\n");
    }

    @Test
    void xSenderWithoutXReceiverTakesTheRecipientsFromToCcAndBcc() throws Exception {
        SubmittedMail mail = read("X-Sender: bounces@example.org\r\nFrom: me@example.org\r\nTo: a@example.org\r\n"
            + "Bcc: b@example.org\r\n\r\nbody\r\n");

        assertThat(mail.envelope().sender()).isEqualTo("bounces@example.org");
        assertThat(mail.envelope().recipients()).containsExactly("a@example.org", "b@example.org");
        assertThat(text(mail.content())).isEqualTo("From: me@example.org\r\nTo: a@example.org\r\n\r\nbody\r\n");
    }

    @Test
    void xSenderWithEmptyAngleBracketsIsTheNullSender() throws Exception {
        SubmittedMail mail = read("X-Sender: <>\r\nX-Receiver: postmaster@example.org\r\nFrom: MAILER-DAEMON@example.org\r\n"
            + "\r\nbounce\r\n");

        assertThat(mail.envelope().isNullSender()).isTrue();
    }

    @Test
    void twoXSenderFieldsAreRejected() {
        assertRejected("X-Sender: a@example.org\r\nX-Sender: b@example.org\r\nX-Receiver: r@example.org\r\n\r\nbody\r\n")
            .hasMessageContaining("2 X-Sender fields");
    }

    @Test
    void xReceiverWithTwoAddressesIsRejected() {
        assertRejected("X-Sender: s@example.org\r\nX-Receiver: a@example.org, b@example.org\r\n\r\nbody\r\n")
            .hasMessageContaining("X-Receiver field must hold exactly one address")
            .hasMessageContaining("a@example.org, b@example.org");
    }

    @Test
    void xReceiverWithADisplayNameIsRejected() {
        assertRejected("X-Sender: s@example.org\r\nX-Receiver: Alice <a@example.org>\r\n\r\nbody\r\n")
            .hasMessageContaining("X-Receiver field must hold exactly one address");
    }

    @Test
    void emptyXReceiverIsRejected() {
        assertRejected("X-Sender: s@example.org\r\nX-Receiver: <>\r\n\r\nbody\r\n")
            .hasMessageContaining("X-Receiver field is empty");
    }

    // header-based envelope

    @Test
    void plainToCcAndBccAreTheRecipientsAndBccIsRemoved() throws Exception {
        byte[] file = fixture("plain-to-cc-bcc.eml");

        SubmittedMail mail = read(file);

        assertThat(mail.envelope().sender()).isEqualTo("billing@example.org");
        assertThat(mail.envelope().recipients())
            .containsExactly("alice@example.org", "bob@example.net", "carol@example.org", "secret@example.org");
        assertThat(text(mail.content())).isEqualTo(text(file).replace("Bcc: secret@example.org\r\n", ""));
    }

    @Test
    void recipientsAreDeduplicatedCaseInsensitivelyKeepingTheFirstSpelling() throws Exception {
        SubmittedMail mail = read("From: f@example.org\r\nTo: Bob@Example.org, a@example.org\r\nCc: BOB@EXAMPLE.ORG\r\n"
            + "Bcc: a@example.org\r\n\r\n");

        assertThat(mail.envelope().recipients()).containsExactly("Bob@Example.org", "a@example.org");
    }

    @Test
    void resentFieldsAreNeitherUsedNorRemoved() throws Exception {
        SubmittedMail mail = read(fixture("plain-to-cc-bcc.eml"));

        assertThat(mail.envelope().recipients()).doesNotContain("resent@example.org");
        assertThat(text(mail.content())).contains("\r\nResent-To: resent@example.org\r\n");
    }

    @Test
    void bodyLineThatLooksLikeBccIsUntouchedAndNotARecipient() throws Exception {
        SubmittedMail mail = read(fixture("plain-to-cc-bcc.eml"));

        assertThat(mail.envelope().recipients()).doesNotContain("x@y", "body-only@example.org");
        assertThat(text(mail.content())).contains("\r\n\r\nDear customer,\r\n\r\nBcc: x@y\r\nTo: body-only@example.org\r\n");
    }

    @Test
    void foldedMultiLineBccGivesEveryRecipientAndIsRemovedCompletely() throws Exception {
        byte[] file = fixture("folded-bcc.eml");

        SubmittedMail mail = read(file);

        assertThat(mail.envelope().recipients())
            .containsExactly("to@example.org", "first@example.org", "second@example.org", "third@example.org");
        assertThat(text(mail.content())).isEqualTo("From: sender@example.org\r\nTo: to@example.org\r\n"
            + "Subject: folded Bcc\r\n continues here\r\n\r\nbody\r\n");
    }

    @Test
    void groupsDisplayNamesCommentsAndEncodedNamesGiveTheBareAddresses() throws Exception {
        SubmittedMail mail = read(fixture("group-and-display-names.eml"));

        assertThat(mail.envelope().recipients()).containsExactly(
            "john@example.org", "team@example.org", "ann@example.org", "ben@example.net", "rene@example.fr");
    }

    @Test
    void senderFieldWinsOverFrom() throws Exception {
        SubmittedMail mail = read(fixture("group-and-display-names.eml"));

        assertThat(mail.envelope().sender()).isEqualTo("secretary@example.org");
    }

    @Test
    void firstFromAddressIsTheSenderWithoutSenderField() throws Exception {
        SubmittedMail mail = read("From: \"Doe, Jane\" <jane@example.org>, john@example.org\r\nTo: t@example.org\r\n\r\n");

        assertThat(mail.envelope().sender()).isEqualTo("jane@example.org");
    }

    @Test
    void undisclosedRecipientsGroupAloneGivesNoRecipient() {
        assertRejected(fixture("invalid-no-recipients.eml"))
            .hasMessageContaining("no recipients: no X-Receiver, To, Cc or Bcc");
    }

    @Test
    void messageWithoutAnyRecipientFieldIsRejected() {
        assertRejected("From: f@example.org\r\nSubject: hi\r\n\r\nTo: body@example.org\r\n")
            .hasMessageContaining("no recipients: no X-Receiver, To, Cc or Bcc");
    }

    @Test
    void messageWithoutSenderIsRejected() {
        assertRejected("To: t@example.org\r\nSubject: hi\r\n\r\nbody\r\n")
            .hasMessageContaining("no sender: no X-Sender, Sender or From address");
    }

    @Test
    void invalidAddressIsRejectedNamingIt() {
        assertRejected("From: f@example.org\r\nTo: ok@example.org, undisclosed\r\n\r\nbody\r\n")
            .hasMessageContaining("invalid address in To: \"undisclosed\"");
    }

    @Test
    void utf8AddressIsKeptAsUnicode() throws Exception {
        SubmittedMail mail = read("From: f@example.org\r\nTo: J\u00f6rg <j\u00f6rg@example.org>\r\n\r\n"
            .getBytes(StandardCharsets.UTF_8));

        assertThat(mail.envelope().recipients()).containsExactly("j\u00f6rg@example.org");
    }

    @Test
    void latin1DisplayNameIsFineButALatin1AddressIsRejected() throws Exception {
        SubmittedMail mail = read(bytes("From: f@example.org\r\nTo: J\u00f6rg <joerg@example.org>\r\n\r\n"));
        assertThat(mail.envelope().recipients()).containsExactly("joerg@example.org");

        assertRejected(bytes("From: f@example.org\r\nTo: j\u00f6rg@example.org\r\n\r\n"))
            .hasMessageContaining("8-bit characters that are not UTF-8");
    }

    @Test
    void submittedMailHasNoIdempotencyKeyAndNoCompanionFiles() throws Exception {
        SubmittedMail mail = read(fixture("plain-to-cc-bcc.eml"));

        assertThat(mail.idempotencyKey()).isNull();
        assertThat(mail.companionFiles()).isEmpty();
    }

    @Test
    void headerOnlyFileWithoutBlankLineIsAccepted() throws Exception {
        SubmittedMail mail = read("From: f@example.org\r\nTo: t@example.org\r\nBcc: b@example.org");

        assertThat(mail.envelope().recipients()).containsExactly("t@example.org", "b@example.org");
        assertThat(text(mail.content())).isEqualTo("From: f@example.org\r\nTo: t@example.org\r\n");
    }

    // line endings and injection

    @Test
    void unixLineEndingsAreCanonicalisedToCrlf() throws Exception {
        byte[] file = fixture("unix-line-endings.eml");
        assertThat(text(file)).doesNotContain("\r");

        SubmittedMail mail = read(file);

        assertThat(text(mail.content())).isEqualTo(text(file).replace("\n", "\r\n"));
        assertThat(mail.envelope().recipients()).containsExactly("ops@example.org");
    }

    @Test
    void classicMacLineEndingsAreCanonicalisedToCrlf() throws Exception {
        SubmittedMail mail = read("From: f@example.org\rTo: t@example.org\r\rbody\r");

        assertThat(text(mail.content())).isEqualTo("From: f@example.org\r\nTo: t@example.org\r\n\r\nbody\r\n");
    }

    @Test
    void unixFileWithBccHasItRemovedAfterCanonicalisation() throws Exception {
        SubmittedMail mail = read("From: f@example.org\nBcc: a@example.org,\n b@example.org\nSubject: s\n\nbody\n");

        assertThat(mail.envelope().recipients()).containsExactly("a@example.org", "b@example.org");
        assertThat(text(mail.content())).isEqualTo("From: f@example.org\r\nSubject: s\r\n\r\nbody\r\n");
    }

    @Test
    void bodyMayMixLineEndings() throws Exception {
        SubmittedMail mail = read("From: f@example.org\r\nTo: t@example.org\r\n\r\na\nb\rc\r\n");

        assertThat(text(mail.content())).endsWith("\r\n\r\na\r\nb\r\nc\r\n");
    }

    @Test
    void loneCarriageReturnInsideACrlfHeaderDoesNotBecomeABccRecipient() {
        assertRejected(fixture("header-injection-lone-cr.eml"))
            .hasMessageContaining("header section mixes line endings (CRLF on line 1, lone CR on line 2)")
            .hasMessageNotContaining("evil");
    }

    @Test
    void loneLineFeedInsideACrlfHeaderDoesNotBecomeABccRecipient() {
        assertRejected("From: f@example.org\r\nTo: ok@example.org\nBcc: evil@example.net\r\n\r\nbody\r\n")
            .hasMessageContaining("mixes line endings");
    }

    @Test
    void loneCarriageReturnInsideAUnixHeaderDoesNotBecomeABccRecipient() {
        assertRejected("From: f@example.org\nTo: ok@example.org\rBcc: evil@example.net\n\nbody\n")
            .hasMessageContaining("mixes line endings (lone LF on line 1, lone CR on line 2)");
    }

    @Test
    void lineBreakEncodedInADisplayNameCreatesNoRecipient() throws Exception {
        SubmittedMail mail = read("From: f@example.org\r\n"
            + "To: =?UTF-8?Q?x=0D=0ABcc=3A_evil=40example.net?= <ok@example.org>\r\n\r\nbody\r\n");

        assertThat(mail.envelope().recipients()).containsExactly("ok@example.org");
    }

    @Test
    void foldedTextAfterAnAddressCreatesNoRecipient() {
        assertRejected("From: f@example.org\r\nTo: ok@example.org\r\n Bcc: evil@example.net\r\n\r\nbody\r\n")
            .isInstanceOf(RejectedMailException.class)
            .hasMessageContaining("invalid address in To");
    }

    @Test
    void foldedTextAfterAnXReceiverAddressCreatesNoRecipient() {
        assertRejected("X-Sender: s@example.org\r\nX-Receiver: ok@example.org\r\n X-Receiver: evil@example.net\r\n\r\n")
            .hasMessageContaining("X-Receiver field must hold exactly one address");
    }

    // limits and malformed files

    @Test
    void tenThousandRecipientsAreRejectedWithTheCount() {
        StringBuilder file = new StringBuilder("From: f@example.org\r\nTo: r0@example.org");
        for (int i = 1; i < 10_000; i++) {
            file.append(",\r\n r").append(i).append("@example.org");
        }
        file.append("\r\n\r\nbody\r\n");

        assertRejected(file.toString()).hasMessageContaining("10000 recipients; at most 100 are allowed per message");
    }

    @Test
    void tenThousandXReceiverFieldsAreRejectedWithTheCount() {
        StringBuilder file = new StringBuilder("X-Sender: s@example.org\r\n");
        for (int i = 0; i < 10_000; i++) {
            file.append("X-Receiver: <r").append(i).append("@example.org>\r\n");
        }
        file.append("\r\nbody\r\n");

        assertRejected(file.toString()).hasMessageContaining("10000 recipients");
    }

    @Test
    void exactlyMaxRecipientsAfterDeduplicationIsAccepted() throws Exception {
        StringBuilder file = new StringBuilder("From: f@example.org\r\nTo: r0@example.org");
        for (int i = 1; i < MAX_RECIPIENTS; i++) {
            file.append(",\r\n r").append(i).append("@example.org");
        }
        file.append("\r\nCc: R0@EXAMPLE.ORG\r\n\r\n");

        assertThat(read(file.toString()).envelope().recipients()).hasSize(MAX_RECIPIENTS);
    }

    @Test
    void emptyFileIsRejectedNamingTheFile() {
        assertThatThrownBy(() -> reader.read(MailContent.of(new byte[0]), "order-42.eml", MAX_RECIPIENTS))
            .isInstanceOf(RejectedMailException.class)
            .hasMessage("\"order-42.eml\": empty file");
    }

    @Test
    void nulBytesAreRejected() {
        assertRejected(bytes("From: f@example.org\r\nTo: t@example.org\r\n\r\nbin\0ary\r\n"))
            .hasMessageContaining("contains NUL bytes (first at byte offset 45)");
    }

    @Test
    void utf16TextIsRejectedForItsNulBytes() {
        assertRejected("From: f@example.org\r\nTo: t@example.org\r\n\r\n".getBytes(StandardCharsets.UTF_16LE))
            .hasMessageContaining("contains NUL bytes");
    }

    @Test
    void headerLineLongerThan998OctetsIsRejected() {
        String subject = "Subject: " + "x".repeat(990);

        assertRejected("From: f@example.org\r\n" + subject + "\r\nTo: t@example.org\r\n\r\nbody\r\n")
            .hasMessageContaining("header line 2 (Subject) is 999 octets long; RFC 5322 §2.1.1 allows at most 998");
    }

    @Test
    void foldedContinuationLongerThan998OctetsIsRejected() {
        assertRejected("From: f@example.org\r\nTo: t@example.org,\r\n " + "x".repeat(998) + "\r\n\r\nbody\r\n")
            .hasMessageContaining("header line 3 (To, folded) is 999 octets long");
    }

    @Test
    void headerLineOfExactly998OctetsIsAccepted() throws Exception {
        String subject = "Subject: " + "x".repeat(989);

        assertThat(text(read("From: f@example.org\r\nTo: t@example.org\r\n" + subject + "\r\n\r\nbody\r\n").content()))
            .isNotEmpty();
    }

    @Test
    void fileWithoutHeaderSectionIsRejected() {
        assertRejected(fixture("invalid-no-header-section.eml"))
            .hasMessageContaining("does not start with a header field");
    }

    @Test
    void plainTextOrBinaryFileIsRejectedAsHavingNoHeaderSection() {
        assertRejected("Quarterly report\r\nTo: t@example.org\r\n").hasMessageContaining("does not start with a header field");
        assertRejected("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n").hasMessageContaining("does not start with a header field");
        assertRejected("From sender@example.org Mon Jan  1 00:00:00 2024\nTo: t@example.org\n\nbody\n")
            .hasMessageContaining("does not start with a header field");
    }

    @Test
    void utf8ByteOrderMarkIsNamedInTheRejection() {
        assertRejected(bytes("\u00ef\u00bb\u00bfFrom: f@example.org\r\nTo: t@example.org\r\n\r\n"))
            .hasMessageContaining("does not start with a header field (it starts with a UTF-8 byte order mark");
    }

    @Test
    void strayLineInTheHeaderSectionIsRejected() {
        assertRejected("From: f@example.org\r\nthis is not a field\r\nBcc: hidden@example.org\r\n\r\nbody\r\n")
            .hasMessageContaining("header line 2 is neither a header field");
    }

    @Test
    void fileNameWithControlCharactersIsPrintableInTheMessage() {
        assertThatThrownBy(() -> reader.read(MailContent.of(new byte[0]), "bad\r\nname.eml", MAX_RECIPIENTS))
            .hasMessage("\"bad??name.eml\": empty file");
    }

    // a file on disk: only the header section is read, the body is streamed from the file

    @Test
    void aLargeFileIsReadFromDiskWithTheSameResultAsInMemory() throws Exception {
        StringBuilder file = new StringBuilder("X-Sender: <tool@example.org>\nX-Receiver: <ops@example.org>\n"
            + "From: Tool <tool@example.org>\nBcc: hidden@example.org\nSubject: nightly\n\n");
        while (file.length() < 300_000) {
            file.append("line ").append(file.length()).append(file.length() % 7 == 0 ? "\r" : "\n");
        }
        Path disk = Files.createDirectories(Path.of("target", "eml-reader-test", UUID.randomUUID().toString()))
            .resolve("large.eml");
        Files.write(disk, bytes(file.toString()));

        SubmittedMail fromDisk = reader.read(MailContent.ofFile(disk, 0, Files.size(disk)), "large.eml", MAX_RECIPIENTS);

        String expected = new String(HeaderFields.toCrlf(bytes(file.toString())), StandardCharsets.ISO_8859_1)
            .replace("X-Sender: <tool@example.org>\r\nX-Receiver: <ops@example.org>\r\n", "")
            .replace("Bcc: hidden@example.org\r\n", "");
        assertThat(fromDisk.envelope().sender()).isEqualTo("tool@example.org");
        assertThat(fromDisk.envelope().recipients()).containsExactly("ops@example.org");
        assertThat(fromDisk.content().size()).isEqualTo(expected.length());
        assertThat(text(fromDisk.content())).isEqualTo(expected).isEqualTo(text(read(file.toString()).content()));
        fromDisk.content().close();
        assertThat(disk).as("the pickup file is the caller's").exists();
    }

    @Test
    void aHeaderSectionWithoutEndIsRejectedWithoutReadingItWhole() {
        String endless = "From: f@example.org\r\n" + ("X-Filler: " + "x".repeat(80) + "\r\n").repeat(12_000);

        assertRejected(endless).hasMessageContaining("no empty line within the first 1048576 bytes");
    }
}
