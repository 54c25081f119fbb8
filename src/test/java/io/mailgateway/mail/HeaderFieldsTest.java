package io.mailgateway.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeaderFieldsTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    // values

    @Test
    void valuesReturnsEveryFieldWithThatNameInOrder() {
        byte[] message = bytes("To: a@example.org\r\nSubject: hi\r\nTo: b@example.org\r\n\r\nbody\r\n");

        assertThat(HeaderFields.values(message, "To")).containsExactly("a@example.org", "b@example.org");
    }

    @Test
    void valuesMatchesNamesCaseInsensitively() {
        byte[] message = bytes("x-receiver: a@example.org\r\nX-RECEIVER: b@example.org\r\n\r\nbody\r\n");

        assertThat(HeaderFields.values(message, "X-Receiver")).containsExactly("a@example.org", "b@example.org");
    }

    @Test
    void valuesUnfoldsContinuationLinesKeepingTheirWhiteSpace() {
        byte[] message = bytes("To: a@example.org,\r\n b@example.org,\r\n\tc@example.org\r\nSubject: x\r\n\r\nbody\r\n");

        assertThat(HeaderFields.values(message, "To")).containsExactly("a@example.org, b@example.org,\tc@example.org");
    }

    @Test
    void valuesTrimsOnlyTheWhiteSpaceAfterTheColon() {
        byte[] message = bytes("Subject: \t two  words  \r\nTo:a@example.org\r\n\r\n");

        assertThat(HeaderFields.values(message, "Subject")).containsExactly("two  words  ");
        assertThat(HeaderFields.values(message, "To")).containsExactly("a@example.org");
    }

    @Test
    void valuesOfAFieldWhoseValueStartsOnTheContinuationLine() {
        byte[] message = bytes("To:\r\n a@example.org\r\n\r\n");

        assertThat(HeaderFields.values(message, "To")).containsExactly("a@example.org");
    }

    @Test
    void valuesFindsTheLastFieldOfAMessageWithoutBlankLine() {
        byte[] message = bytes("Subject: hi\r\nTo: a@example.org,\r\n b@example.org");

        assertThat(HeaderFields.values(message, "To")).containsExactly("a@example.org, b@example.org");
    }

    @Test
    void valuesMatchesTheWholeNameNotAPrefixOrSuffix() {
        byte[] message = bytes("Resent-To: r@example.org\r\nTo-Do: x\r\nTo: a@example.org\r\n\r\n");

        assertThat(HeaderFields.values(message, "To")).containsExactly("a@example.org");
    }

    @Test
    void valuesAcceptsTheObsoleteSpaceBeforeTheColon() {
        byte[] message = bytes("Bcc : a@example.org\r\n\r\n");

        assertThat(HeaderFields.values(message, "Bcc")).containsExactly("a@example.org");
    }

    @Test
    void valuesIgnoresTheBody() {
        byte[] message = bytes("Subject: hi\r\n\r\nBcc: x@example.org\r\nTo: y@example.org\r\n");

        assertThat(HeaderFields.values(message, "Bcc")).isEmpty();
        assertThat(HeaderFields.values(message, "To")).isEmpty();
    }

    @Test
    void valuesIsEmptyForAMessageWithoutHeaderSection() {
        assertThat(HeaderFields.values(bytes("\r\nTo: a@example.org\r\n"), "To")).isEmpty();
        assertThat(HeaderFields.values(bytes("just text, To: a@example.org\r\n"), "To")).isEmpty();
        assertThat(HeaderFields.values(new byte[0], "To")).isEmpty();
    }

    @Test
    void valuesAreTheRawBytesAsIso88591() {
        byte[] message = "Subject: Gr\u00fc\u00dfe =?UTF-8?Q?J=C3=B6rg?=\r\n\r\n".getBytes(StandardCharsets.UTF_8);

        String value = HeaderFields.values(message, "Subject").get(0);

        assertThat(new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
            .isEqualTo("Gr\u00fc\u00dfe =?UTF-8?Q?J=C3=B6rg?=");
    }

    // remove

    @Test
    void removeDropsEveryFieldWithThoseNamesAndTheirContinuationLines() {
        byte[] message = bytes("From: f@example.org\r\nBcc: a@example.org,\r\n b@example.org\r\nTo: t@example.org\r\n"
            + "bcc: c@example.org\r\nSubject: hi\r\n\r\nbody\r\n");

        byte[] result = HeaderFields.remove(message, Set.of("BCC"));

        assertThat(text(result)).isEqualTo("From: f@example.org\r\nTo: t@example.org\r\nSubject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void removeDropsSeveralNamesAtOnce() {
        byte[] message = bytes("X-Sender: s@example.org\r\nX-Receiver: a@example.org\r\nX-Receiver: b@example.org\r\n"
            + "Subject: hi\r\n\r\nbody\r\n");

        byte[] result = HeaderFields.remove(message, Set.of("x-sender", "x-receiver"));

        assertThat(text(result)).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void removeDropsTheFirstAndTheLastFieldWithoutBlankLine() {
        byte[] message = bytes("Bcc: a@example.org\r\nSubject: hi\r\nBcc: b@example.org,\r\n c@example.org");

        assertThat(text(HeaderFields.remove(message, Set.of("Bcc")))).isEqualTo("Subject: hi\r\n");
    }

    @Test
    void removeDropsAFieldWrittenWithTheObsoleteSpaceBeforeTheColon() {
        byte[] message = bytes("Bcc : a@example.org\r\nSubject: hi\r\n\r\nbody\r\n");

        assertThat(text(HeaderFields.remove(message, Set.of("Bcc")))).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void removeLeavesTheBodyByteIdenticalEvenWhenItLooksLikeHeaders() {
        String body = "\r\nBcc: x@example.org\r\n continued\r\n\r\nline\n with \r odd \0 bytes \u00ff\r\n.\r\n";
        byte[] message = bytes("Subject: hi\r\nBcc: hidden@example.org\r\n" + body);

        byte[] result = HeaderFields.remove(message, Set.of("Bcc"));

        assertThat(text(result)).isEqualTo("Subject: hi\r\n" + body);
    }

    @Test
    void removeKeepsEveryOtherHeaderByteAsIs() {
        String kept = "Subject:   odd  spacing \t\r\nx-custom:\tvalue\r\n  folded  \r\nTo-Do: not Bcc\r\n";
        byte[] message = bytes(kept + "BCC: a@example.org\r\n\r\nbody");

        assertThat(text(HeaderFields.remove(message, Set.of("Bcc")))).isEqualTo(kept + "\r\nbody");
    }

    @Test
    void removeWithoutMatchReturnsAnEqualCopyAndLeavesTheInputAlone() {
        byte[] message = bytes("Subject: hi\r\n\r\nbody\r\n");
        byte[] original = message.clone();

        byte[] result = HeaderFields.remove(message, Set.of("Bcc"));

        assertThat(result).isEqualTo(original).isNotSameAs(message);
        assertThat(message).isEqualTo(original);
    }

    @Test
    void removeDoesNotTouchAMessageWithoutHeaderSection() {
        byte[] message = bytes("\r\nBcc: a@example.org\r\n");

        assertThat(HeaderFields.remove(message, Set.of("Bcc"))).isEqualTo(message);
    }

    // toCrlf

    @Test
    void toCrlfTurnsLoneLineFeedsIntoCrlf() {
        assertThat(text(HeaderFields.toCrlf(bytes("Subject: hi\n\nline\n")))).isEqualTo("Subject: hi\r\n\r\nline\r\n");
    }

    @Test
    void toCrlfTurnsLoneCarriageReturnsIntoCrlf() {
        assertThat(text(HeaderFields.toCrlf(bytes("Subject: hi\r\rline\r")))).isEqualTo("Subject: hi\r\n\r\nline\r\n");
    }

    @Test
    void toCrlfKeepsExistingCrlfAndFixesMixedEndings() {
        assertThat(text(HeaderFields.toCrlf(bytes("a\r\nb\nc\rd\r\r\ne\n\r"))))
            .isEqualTo("a\r\nb\r\nc\r\nd\r\n\r\ne\r\n\r\n");
    }

    @Test
    void toCrlfReturnsTheSameArrayWhenAlreadyCanonical() {
        byte[] canonical = bytes("Subject: hi\r\n\r\nbody \u00ff\r\n");
        byte[] copy = canonical.clone();

        assertThat(HeaderFields.toCrlf(canonical)).isSameAs(canonical);
        assertThat(canonical).isEqualTo(copy);
        byte[] empty = new byte[0];
        assertThat(HeaderFields.toCrlf(empty)).isSameAs(empty);
    }

    @Test
    void toCrlfReturnsANewArrayAndLeavesTheInputAloneWhenItChangesSomething() {
        byte[] unix = bytes("a\nb");
        byte[] copy = unix.clone();

        byte[] result = HeaderFields.toCrlf(unix);

        assertThat(result).isNotSameAs(unix);
        assertThat(unix).isEqualTo(copy);
        assertThat(text(result)).isEqualTo("a\r\nb");
    }

    @Test
    void toCrlfKeepsEveryOtherByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }

        byte[] result = HeaderFields.toCrlf(all);

        // LF (10) and CR (13) are not adjacent here, so each is lone and becomes CRLF on its own
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < all.length; i++) {
            expected.append(i == '\n' || i == '\r' ? "\r\n" : String.valueOf((char) i));
        }
        assertThat(text(result)).isEqualTo(expected.toString());
        assertThat(result).hasSize(258);
    }
}
