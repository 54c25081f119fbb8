package io.mailgateway.delivery.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.delivery.bounce.DeliveryNotice.Action;
import io.mailgateway.delivery.bounce.DeliveryNotice.Recipient;
import io.mailgateway.mail.HeaderSection;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The DSN bytes, read back with Jakarta Mail as a mail client would: multipart/report with the three
 * parts of RFC 3464 / RFC 6522, the status fields, the original headers and never the original body.
 */
class BounceComposerTest {

    private static final Instant ARRIVED = Instant.parse("2026-12-04T10:00:01Z");
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:05Z");
    private static final String REJECTED_550 =
        "127.0.0.1:2525 said: 550 5.1.1 <typo@example.net>: Recipient address rejected (in reply to RCPT TO)";

    private final BounceComposer composer = new BounceComposer("gateway.test", ZoneOffset.UTC);

    @Test
    void aRejectedRecipientGivesAMultipartReportWithTextDeliveryStatusAndHeadersParts() throws Exception {
        MimeMessage dsn = parse(composer.compose(failed(new Recipient("typo@example.net", REJECTED_550, false)),
            "6C00000000AABBCCDD", NOW));

        ContentType type = new ContentType(dsn.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(new ContentType(parts.getBodyPart(0).getContentType()).getBaseType()).isEqualTo("text/plain");
        assertThat(new ContentType(parts.getBodyPart(1).getContentType()).getBaseType()).isEqualTo("message/delivery-status");
        assertThat(new ContentType(parts.getBodyPart(2).getContentType()).getBaseType()).isEqualTo("text/rfc822-headers");
    }

    @Test
    void theDeliveryStatusNamesTheRecipientTheEnhancedStatusTheRemoteMtaAndTheReply() throws Exception {
        List<InternetHeaders> status = deliveryStatus(parse(composer.compose(
            failed(new Recipient("typo@example.net", REJECTED_550, false)), "6C00000000AABBCCDD", NOW)));

        assertThat(status).hasSize(2);
        InternetHeaders message = status.get(0);
        assertThat(message.getHeader("Reporting-MTA", null)).isEqualTo("dns; gateway.test");
        assertThat(message.getHeader("Arrival-Date", null)).isEqualTo("Fri, 4 Dec 2026 10:00:01 +0000");
        assertThat(message.getHeader("X-Mail-Gateway-Queue-ID", null)).isEqualTo("6B12E67B7F572C0138");
        InternetHeaders recipient = status.get(1);
        assertThat(recipient.getHeader("Final-Recipient", null)).isEqualTo("rfc822; typo@example.net");
        assertThat(recipient.getHeader("Action", null)).isEqualTo("failed");
        assertThat(recipient.getHeader("Status", null)).isEqualTo("5.1.1");
        assertThat(recipient.getHeader("Remote-MTA", null)).isEqualTo("dns; 127.0.0.1");
        assertThat(unfold(recipient.getHeader("Diagnostic-Code", null)))
            .isEqualTo("smtp; 550 5.1.1 <typo@example.net>: Recipient address rejected");
        assertThat(recipient.getHeader("Last-Attempt-Date", null)).isEqualTo("Fri, 4 Dec 2026 10:00:05 +0000");
    }

    @Test
    void theHeadersPartHoldsTheOriginalHeadersAndNeverTheBody() throws Exception {
        byte[] bytes = composer.compose(failed(new Recipient("typo@example.net", REJECTED_550, false)),
            "6C00000000AABBCCDD", NOW);
        MimeMultipart parts = (MimeMultipart) parse(bytes).getContent();

        byte[] headersPart = parts.getBodyPart(2).getInputStream().readAllBytes();
        assertThat(headersPart).isEqualTo(headersOf(original("original-quarterly-numbers.eml")));
        InternetHeaders original = new InternetHeaders(new ByteArrayInputStream(headersPart));
        assertThat(original.getHeader("Subject", null)).isEqualTo("Quarterly numbers");
        assertThat(original.getHeader("Message-ID", null)).isEqualTo("<quarterly-42@client.test>");
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
            .doesNotContain("confidential figures")
            .doesNotContain("17, 23 and 42");
    }

    @Test
    void itComesFromTheMailerDaemonAsAnAutomaticReplyWithItsOwnMessageIdAndDate() throws Exception {
        MimeMessage dsn = parse(composer.compose(failed(new Recipient("typo@example.net", REJECTED_550, false)),
            "6C00000000AABBCCDD", NOW));

        assertThat(dsn.getHeader("From", null)).isEqualTo("\"Mail Delivery System\" <MAILER-DAEMON@gateway.test>");
        assertThat(dsn.getHeader("To", null)).isEqualTo("<alice@example.com>");
        assertThat(dsn.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(dsn.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(dsn.getMessageID()).isEqualTo("<6c00000000aabbccdd@gateway.test>");
        assertThat(dsn.getHeader("Date", null)).isEqualTo("Fri, 4 Dec 2026 10:00:05 +0000");
        assertThat(dsn.getHeader("MIME-Version", null)).isEqualTo("1.0");
    }

    @Test
    void theTextPartSaysInPlainWordsWhoDidNotGetItWhatTheServerSaidAndWhatToDo() throws Exception {
        MimeMultipart parts = (MimeMultipart) parse(composer.compose(
            failed(new Recipient("typo@example.net", REJECTED_550, false)), "6C00000000AABBCCDD", NOW)).getContent();

        String text = words((String) parts.getBodyPart(0).getContent());
        assertThat(text)
            .contains("Your message \"Quarterly numbers\"")
            .contains("could not be delivered")
            .contains("<typo@example.net>")
            .contains("550 5.1.1 <typo@example.net>: Recipient address rejected")
            .contains("Check each address above for typing mistakes")
            .contains("its text is not");
    }

    @Test
    void everyLineEndsInCrlfIsSevenBitAndShorterThan998Octets() throws IOException {
        String longReply = "127.0.0.1:2525 said: 550 5.7.1 " + "policy words ".repeat(120) + "(in reply to RCPT TO)";
        byte[] bytes = composer.compose(failed(new Recipient("typo@example.net", longReply, false)),
            "6C00000000AABBCCDD", NOW);

        assertSevenBitCrlf(bytes);
    }

    @Test
    void eightBitOriginalHeadersAreQuotedPrintableAndDecodeToTheSameBytes() throws Exception {
        byte[] original = original("original-8bit-headers.eml");
        DeliveryNotice notice = new DeliveryNotice(Action.FAILED, "6B12E67B7F572C0139", "juergen@example.com", ARRIVED, 1,
            null, List.of(new Recipient("bob@example.net", "127.0.0.1:2525 said: 550 5.1.1 unknown (in reply to RCPT TO)", false)),
            headersOf(original));
        byte[] bytes = composer.compose(notice, "6C00000000AABBCCDE", NOW);

        assertSevenBitCrlf(bytes);
        MimeMultipart parts = (MimeMultipart) parse(bytes).getContent();
        BodyPart headersPart = parts.getBodyPart(2);
        assertThat(headersPart.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat(headersPart.getInputStream().readAllBytes()).isEqualTo(headersOf(original));
        BodyPart text = parts.getBodyPart(0);
        assertThat(new ContentType(text.getContentType()).getParameter("charset")).isEqualToIgnoringCase("utf-8");
        assertThat(words((String) text.getContent())).contains("Your message \"Grüße aus Köln\"");
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("private body");
    }

    @Test
    void aReplyWithoutAnEnhancedCodeGivesTheStatusOfItsClass() throws Exception {
        InternetHeaders recipient = deliveryStatus(parse(composer.compose(failed(
            new Recipient("typo@example.net", "mx.example.net:25 said: 554 no thanks (in reply to end of DATA)", false)),
            "6C00000000AABBCCDD", NOW))).get(1);

        assertThat(recipient.getHeader("Status", null)).isEqualTo("5.0.0");
        assertThat(recipient.getHeader("Remote-MTA", null)).isEqualTo("dns; mx.example.net");
        assertThat(recipient.getHeader("Diagnostic-Code", null)).isEqualTo("smtp; 554 no thanks");
    }

    @Test
    void mailGivenUpAfterItsLifetimeIsFailedWithTheLastReplysCodeOrDeliveryTimeExpired() throws Exception {
        List<InternetHeaders> status = deliveryStatus(parse(composer.compose(failed(
                new Recipient("slow@example.net", "127.0.0.1:2525 said: 451 4.4.1 no answer (in reply to RCPT TO)", true),
                new Recipient("down@example.net", "cannot connect to 127.0.0.1:2525: Connection refused", true)),
            "6C00000000AABBCCDD", NOW)));

        assertThat(status).hasSize(3);
        assertThat(status.get(1).getHeader("Action", null)).isEqualTo("failed");
        assertThat(status.get(1).getHeader("Status", null)).isEqualTo("4.4.1");
        assertThat(status.get(2).getHeader("Final-Recipient", null)).isEqualTo("rfc822; down@example.net");
        assertThat(status.get(2).getHeader("Status", null)).isEqualTo("4.4.7");
        assertThat(status.get(2).getHeader("Remote-MTA", null)).isNull();
        assertThat(unfold(status.get(2).getHeader("Diagnostic-Code", null)))
            .isEqualTo("X-Mail-Gateway; cannot connect to 127.0.0.1:2525: Connection refused");
    }

    @Test
    void aDelayWarningSaysDelayedUntilWhenAndHasItsOwnSubject() throws Exception {
        Instant until = ARRIVED.plusSeconds(5 * 24 * 3600);
        DeliveryNotice notice = new DeliveryNotice(Action.DELAYED, "6B12E67B7F572C0138", "alice@example.com", ARRIVED, 3,
            until, List.of(new Recipient("busy@example.net", "127.0.0.1:2525 said: 450 4.2.1 mailbox busy (in reply to RCPT TO)", false)),
            headersOf(original("original-quarterly-numbers.eml")));
        MimeMessage dsn = parse(composer.compose(notice, "6C00000000AABBCCDF", NOW));

        assertThat(dsn.getSubject()).isEqualTo("Delayed Mail (still being retried)");
        InternetHeaders recipient = deliveryStatus(dsn).get(1);
        assertThat(recipient.getHeader("Action", null)).isEqualTo("delayed");
        assertThat(recipient.getHeader("Status", null)).isEqualTo("4.2.1");
        assertThat(recipient.getHeader("Will-Retry-Until", null)).isEqualTo("Wed, 9 Dec 2026 10:00:01 +0000");
        String text = words((String) ((MimeMultipart) dsn.getContent()).getBodyPart(0).getContent());
        assertThat(text).contains("has not been delivered yet").contains("you do not need to send the message again")
            .contains("Wed, 9 Dec 2026 10:00:01 +0000");
    }

    @Test
    void severalRecipientsEachGetTheirOwnBlock() throws Exception {
        List<InternetHeaders> status = deliveryStatus(parse(composer.compose(failed(
                new Recipient("a@example.net", "127.0.0.1:2525 said: 550 5.1.1 no such user (in reply to RCPT TO)", false),
                new Recipient("b@example.net", "127.0.0.1:2525 said: 552 5.2.2 mailbox full (in reply to RCPT TO)", false)),
            "6C00000000AABBCCDD", NOW)));

        assertThat(status).hasSize(3);
        assertThat(status.get(1).getHeader("Final-Recipient", null)).isEqualTo("rfc822; a@example.net");
        assertThat(status.get(1).getHeader("Status", null)).isEqualTo("5.1.1");
        assertThat(status.get(2).getHeader("Final-Recipient", null)).isEqualTo("rfc822; b@example.net");
        assertThat(status.get(2).getHeader("Status", null)).isEqualTo("5.2.2");
    }

    @Test
    void aHugeHeaderSectionIsCutAtAFieldBoundary() throws Exception {
        StringBuilder headers = new StringBuilder("Subject: many headers\r\n");
        for (int i = 0; headers.length() < 3 * BounceComposer.MAX_ORIGINAL_HEADERS; i++) {
            headers.append("X-Filler-").append(i).append(": ").append("x".repeat(60)).append("\r\n\t").append("y".repeat(40)).append("\r\n");
        }
        DeliveryNotice notice = new DeliveryNotice(Action.FAILED, "6B12E67B7F572C0138", "alice@example.com", ARRIVED, 1,
            null, List.of(new Recipient("typo@example.net", REJECTED_550, false)),
            headers.toString().getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = composer.compose(notice, "6C00000000AABBCCDD", NOW);

        assertThat(bytes.length).isLessThan(BounceComposer.MAX_ORIGINAL_HEADERS + 8 * 1024);
        byte[] part = ((MimeMultipart) parse(bytes).getContent()).getBodyPart(2).getInputStream().readAllBytes();
        assertThat(part.length).isLessThanOrEqualTo(BounceComposer.MAX_ORIGINAL_HEADERS);
        String kept = new String(part, StandardCharsets.US_ASCII);
        assertThat(kept).startsWith("Subject: many headers\r\n").endsWith("y".repeat(40) + "\r\n");
    }

    @Test
    void anSmtputf8SenderIsReportedWithUtf8AddressType() throws Exception {
        DeliveryNotice notice = new DeliveryNotice(Action.FAILED, "6B12E67B7F572C0138", "jürgen@example.com", ARRIVED, 1,
            null, List.of(new Recipient("müller@example.net", REJECTED_550, false)), new byte[0]);
        byte[] bytes = composer.compose(notice, "6C00000000AABBCCDD", NOW);

        MimeMessage dsn = parse(bytes);
        assertThat(((MimeMultipart) dsn.getContent()).getCount()).isEqualTo(2);
        assertThat(deliveryStatus(dsn).get(1).getHeader("Final-Recipient", null)).isEqualTo("utf-8; m\\x{FC}ller@example.net");
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static DeliveryNotice failed(Recipient... recipients) throws IOException {
        return new DeliveryNotice(Action.FAILED, "6B12E67B7F572C0138", "alice@example.com", ARRIVED, 1, null,
            List.of(recipients), headersOf(original("original-quarterly-numbers.eml")));
    }

    private static byte[] original(String name) throws IOException {
        try (InputStream in = BounceComposerTest.class.getResourceAsStream("/bounces/" + name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] headersOf(byte[] message) {
        return Arrays.copyOf(message, HeaderSection.end(message));
    }

    private static MimeMessage parse(byte[] bytes) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
    }

    /** The message/delivery-status part as its field groups: per-message first, then one per recipient. */
    private static List<InternetHeaders> deliveryStatus(MimeMessage dsn) throws Exception {
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        byte[] status = parts.getBodyPart(1).getInputStream().readAllBytes();
        String text = new String(status, StandardCharsets.US_ASCII);
        List<InternetHeaders> groups = new ArrayList<>();
        for (String group : text.split("\r\n\r\n")) {
            if (!group.isBlank()) {
                groups.add(new InternetHeaders(new ByteArrayInputStream((group + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII))));
            }
        }
        return groups;
    }

    /** The text part is wrapped at 76 columns: compare words, not lines. */
    private static String words(String text) {
        return text.replaceAll("\\s+", " ");
    }

    private static String unfold(String value) {
        return value.replaceAll("\r\n[ \t]", " ");
    }

    private static void assertSevenBitCrlf(byte[] bytes) {
        int lineLength = 0;
        for (int i = 0; i < bytes.length; i++) {
            assertThat(bytes[i]).as("byte %d is 7-bit", i).isBetween((byte) 1, (byte) 127);
            if (bytes[i] == '\n') {
                assertThat(i > 0 && bytes[i - 1] == '\r').as("LF at %d follows CR", i).isTrue();
                lineLength = 0;
            } else if (bytes[i] == '\r') {
                assertThat(i + 1 < bytes.length && bytes[i + 1] == '\n').as("CR at %d precedes LF", i).isTrue();
            } else {
                lineLength++;
                assertThat(lineLength).as("line length at %d", i).isLessThanOrEqualTo(998);
            }
        }
        assertThat(new String(bytes, StandardCharsets.US_ASCII)).endsWith("\r\n");
    }
}
