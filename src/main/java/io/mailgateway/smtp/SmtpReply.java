package io.mailgateway.smtp;

import org.subethamail.smtp.RejectException;

/**
 * Every reply the listener gives on its own account, with its RFC 3463 enhanced status code, in one place
 * so that transcripts in tests, logs and docs agree.
 */
public enum SmtpReply {
    RELAY_DENIED(554, "5.7.1 Relay access denied: authenticate or send from a trusted network"),
    BARE_LINE_ENDING(550, "5.5.2 Message contains a bare CR or LF; lines must end in CRLF (RFC 5321 2.3.8)"),
    NUL_IN_MESSAGE(550, "5.6.0 Message contains a NUL byte"),
    MESSAGE_TOO_BIG(552, "5.3.4 Message exceeds the size limit"),
    QUEUE_UNAVAILABLE(451, "4.3.0 Queue temporarily unavailable, try again later"),
    BAD_RECIPIENT_SYNTAX(501, "5.1.3 Bad recipient address syntax"),
    BAD_SENDER_SYNTAX(501, "5.1.7 Bad sender address syntax");

    private final int code;
    private final String text;

    SmtpReply(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }

    public RejectException reject() {
        return new RejectException(code, text);
    }

    @Override
    public String toString() {
        return code + " " + text;
    }
}
