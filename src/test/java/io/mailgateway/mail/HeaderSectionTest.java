package io.mailgateway.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderSectionTest {

    /** The content {@link HeaderSection#prepend} makes, read back. */
    private static byte[] prepend(byte[] message, String fields) {
        try {
            return HeaderSection.prepend(MailContent.of(message), fields).bytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void endIsWhereTheBlankLineStarts() {
        byte[] message = bytes("Subject: hi\r\nFrom: a@example.org\r\n\r\nbody\r\n");

        int end = HeaderSection.end(message);

        assertThat(text(message).substring(0, end)).isEqualTo("Subject: hi\r\nFrom: a@example.org\r\n");
        assertThat(text(message).substring(end)).isEqualTo("\r\nbody\r\n");
    }

    @Test
    void endIsZeroWhenTheMessageStartsWithTheBlankLine() {
        assertThat(HeaderSection.end(bytes("\r\nbody only\r\n"))).isZero();
    }

    @Test
    void endIsTheLengthWhenThereIsNoBlankLine() {
        byte[] message = bytes("Subject: hi\r\nFrom: a@example.org\r\n");

        assertThat(HeaderSection.end(message)).isEqualTo(message.length);
    }

    @Test
    void endIgnoresBlankLinesFurtherDownTheBody() {
        byte[] message = bytes("Subject: hi\r\n\r\npara one\r\n\r\npara two\r\n");

        assertThat(HeaderSection.end(message)).isEqualTo("Subject: hi\r\n".length());
    }

    @Test
    void hasFindsAHeaderWhateverItsCase() {
        byte[] message = bytes("Subject: hi\r\nmessage-id: <1@example.org>\r\nDATE: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nbody\r\n");

        assertThat(HeaderSection.has(message, "Message-ID")).isTrue();
        assertThat(HeaderSection.has(message, "MESSAGE-ID")).isTrue();
        assertThat(HeaderSection.has(message, "date")).isTrue();
        assertThat(HeaderSection.has(message, "Subject")).isTrue();
        assertThat(HeaderSection.has(message, "From")).isFalse();
    }

    @Test
    void hasFindsTheFirstAndTheLastHeaderLines() {
        byte[] message = bytes("Date: now\r\nSubject: hi\r\nMessage-ID: <1@example.org>\r\n\r\nbody\r\n");

        assertThat(HeaderSection.has(message, "Date")).isTrue();
        assertThat(HeaderSection.has(message, "Message-ID")).isTrue();
    }

    @Test
    void hasFindsAHeaderInAMessageWithoutBody() {
        byte[] message = bytes("Subject: hi\r\nMessage-ID: <1@example.org>");

        assertThat(HeaderSection.has(message, "Message-ID")).isTrue();
    }

    @Test
    void hasIsNotFooledByABodyLineAfterTheBlankLine() {
        byte[] message = bytes("Subject: hi\r\n\r\nMessage-ID: x\r\nDate: y\r\n");

        assertThat(HeaderSection.has(message, "Message-ID")).isFalse();
        assertThat(HeaderSection.has(message, "Date")).isFalse();
    }

    @Test
    void hasIsNotFooledByABodyWhenThereAreNoHeadersAtAll() {
        byte[] message = bytes("\r\nMessage-ID: x\r\n");

        assertThat(HeaderSection.has(message, "Message-ID")).isFalse();
    }

    @Test
    void hasIsNotFooledByAFoldedContinuationLine() {
        byte[] message = bytes("Subject: a long subject\r\n Message-ID: x\r\nX-Note: one\r\n\tDate: y\r\n\r\nbody\r\n");

        assertThat(HeaderSection.has(message, "Message-ID")).isFalse();
        assertThat(HeaderSection.has(message, "Date")).isFalse();
    }

    @Test
    void hasMatchesTheWholeFieldNameNotAPrefix() {
        byte[] message = bytes("Message-ID-Hint: x\r\nDated: y\r\nX-Date: z\r\n\r\nbody\r\n");

        assertThat(HeaderSection.has(message, "Message-ID")).isFalse();
        assertThat(HeaderSection.has(message, "Date")).isFalse();
    }

    @Test
    void hasFindsAHeaderWithObsoleteSpaceBeforeTheColon() {
        byte[] message = bytes("Subject: hi\r\nDate : Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nbody\r\n");

        assertThat(HeaderSection.has(message, "Date")).isTrue();
    }

    @Test
    void prependPutsTheFieldsInFrontAndKeepsTheOriginalBytesExactly() {
        byte[] original = bytes("Subject: caf\u00e9\r\nTo: a@example.org\r\n\r\nline\n with \r odd \0 bytes\r\n.\r\n\u00ff");
        String fields = "Received: from x\r\n\tby y; now\r\nMessage-ID: <1@gw>\r\n";

        byte[] result = prepend(original, fields);

        byte[] head = fields.getBytes(StandardCharsets.UTF_8);
        assertThat(result).hasSize(head.length + original.length);
        assertThat(text(result)).startsWith(fields);
        byte[] tail = new byte[original.length];
        System.arraycopy(result, head.length, tail, 0, original.length);
        assertThat(tail).isEqualTo(original);
    }

    @Test
    void prependedFieldsAreThenFoundAsHeaders() {
        byte[] original = bytes("Subject: hi\r\n\r\nbody\r\n");

        byte[] result = prepend(original, "Message-ID: <1@gw>\r\n");

        assertThat(HeaderSection.has(result, "Message-ID")).isTrue();
        assertThat(HeaderSection.has(result, "Subject")).isTrue();
        assertThat(text(result)).endsWith("\r\n\r\nbody\r\n");
    }

    @Test
    void prependToAMessageWithoutHeadersKeepsTheBodyABody() {
        byte[] original = bytes("\r\nMessage-ID: body text\r\n");

        byte[] result = prepend(original, "Date: now\r\n");

        assertThat(text(result)).isEqualTo("Date: now\r\n\r\nMessage-ID: body text\r\n");
        assertThat(HeaderSection.has(result, "Message-ID")).isFalse();
    }

    @Test
    void prependToAnEmptyMessageEndsTheHeaderSection() {
        byte[] result = prepend(new byte[0], "Date: now\r\n");

        assertThat(text(result)).isEqualTo("Date: now\r\n\r\n");
    }

    @Test
    void prependDoesNotChangeTheInput() {
        byte[] original = bytes("Subject: hi\r\n\r\nbody\r\n");
        byte[] copy = original.clone();

        prepend(original, "Date: now\r\n");

        assertThat(original).isEqualTo(copy);
    }

    @Test
    void prependToAHeaderOnlyMessageWithoutBlankLineAddsNoBlankLine() {
        byte[] result = prepend(bytes("Subject: hi\r\n"), "Date: now\r\n");

        assertThat(text(result)).isEqualTo("Date: now\r\nSubject: hi\r\n");
    }

    @Test
    void prependToABodyWithoutHeadersOrBlankLineKeepsItABody() {
        byte[] original = bytes("Hello, this is the report.\r\nSecond line\r\n");

        byte[] result = prepend(original, "Date: now\r\n");

        assertThat(text(result)).isEqualTo("Date: now\r\n\r\nHello, this is the report.\r\nSecond line\r\n");
    }
}
