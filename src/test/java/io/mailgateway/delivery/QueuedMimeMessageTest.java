package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Header;
import jakarta.mail.internet.InternetHeaders;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueuedMimeMessageTest {

    private static final byte[] MAIL = ("Received: from app ([127.0.0.1])\r\n"
        + "\tby gateway (Mail Gateway) with ESMTP id 6B12E67B7F572C0138;\r\n"
        + "\tFri, 4 Dec 2026 16:12:43 GMT\r\n"
        + "Message-ID: <report-42@example.com>\r\n"
        + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and a long subject\r\n"
        + " folded onto a second line\r\n"
        + "X-Latin: caf\u00e9\r\n"
        + "\r\n"
        + "Body-Looking: this line is body, not a header\r\n").getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void headerSectionShouldMatchWhatJakartaMailsOwnParserReads() throws Exception {
        InternetHeaders ours = QueuedMimeMessage.headerSection(MAIL);
        InternetHeaders theirs = new InternetHeaders(new ByteArrayInputStream(MAIL));

        assertThat(lines(ours)).isEqualTo(lines(theirs)).hasSize(4);
        assertThat(ours.getHeader("Message-ID", null)).isEqualTo("<report-42@example.com>");
        assertThat(ours.getHeader("Body-Looking")).isNull();
    }

    @Test
    void headerSectionShouldAcceptAMailWithoutBody() {
        byte[] headersOnly = "Message-ID: <a@b>\r\nSubject: x\r\n".getBytes(StandardCharsets.US_ASCII);

        assertThat(QueuedMimeMessage.headerSection(headersOnly).getHeader("Subject", null)).isEqualTo("x");
    }

    private static List<String> lines(InternetHeaders headers) {
        List<String> lines = new ArrayList<>();
        for (Header header : Collections.list(headers.getAllHeaders())) {
            lines.add(header.getName() + ": " + header.getValue());
        }
        return lines;
    }
}
