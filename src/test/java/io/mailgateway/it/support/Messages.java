package io.mailgateway.it.support;

import java.util.UUID;

/** Test messages, CRLF line endings throughout. */
public final class Messages {

    private Messages() {
    }

    public static String uniqueMessageId() {
        return "<" + UUID.randomUUID() + "@client.test>";
    }

    /** A complete message with Date and Message-ID, so the gateway adds nothing but Received. */
    public static String simple(String messageId, String from, String to, String subject) {
        return "Date: Fri, 04 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: " + messageId + "\r\n"
            + "From: <" + from + ">\r\n"
            + "To: <" + to + ">\r\n"
            + "Subject: " + subject + "\r\n"
            + "\r\n"
            + "Hello,\r\n"
            + "this is " + subject + ".\r\n";
    }
}
