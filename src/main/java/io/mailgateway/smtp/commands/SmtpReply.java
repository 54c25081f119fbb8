package io.mailgateway.smtp.commands;

import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SessionHandler.SessionAcceptance;

/**
 * Every reply the listener gives on its own account, with its RFC 3463 enhanced status code, in one place
 * so that transcripts in tests, logs and docs agree. The 421 replies close the connection
 * ({@link #dropConnection()}); the rest leave the session open.
 */
public enum SmtpReply {

    // connection admission (ClientGate)
    CLIENT_BLOCKED(421, "4.7.0 Too many failed authentications from your address; try again later"),
    TOO_MANY_CONNECTIONS(421, "4.7.0 Too many connections; try again later"),
    TOO_MANY_CONNECTIONS_FROM_CLIENT(421, "4.7.0 Too many connections from your address; try again later"),

    // orderly stop (LiveSessions): RFC 5321 §3.8, 421 in reply to any command, or unasked before closing
    SHUTTING_DOWN(421, "4.3.2 Service shutting down; closing connection"),

    // the command channel (GuardMarkerCommands)
    LINE_TOO_LONG(500, "5.5.2 Line too long (at most 512 octets)"),
    BAD_LINE(421, "4.5.2 Bare CR or LF, or NUL, in a command line; closing connection"),
    TOO_MANY_ERRORS(421, "4.7.0 Too many errors; closing connection"),
    IDLE_TIMEOUT(421, "4.4.2 Idle for too long; closing connection"),
    BDAT_NOT_OFFERED(502, "5.5.1 BDAT not supported"),

    // EHLO, STARTTLS
    EHLO_SYNTAX(501, "5.5.4 Syntax: EHLO hostname"),
    TLS_ACTIVE(503, "5.5.1 TLS already active"),
    STARTTLS_NOT_OFFERED(502, "5.5.1 STARTTLS not offered on this port"),
    TLS_FAILED(421, "4.7.0 TLS handshake failed; closing connection"),

    // AUTH
    ENCRYPTION_REQUIRED(538, "5.7.11 Encryption required for requested authentication mechanism"),
    ALREADY_AUTHENTICATED(503, "5.5.1 Already authenticated"),
    AUTH_SYNTAX(501, "5.5.4 Syntax: AUTH mechanism [initial-response]"),
    AUTH_CANCELLED(501, "5.7.0 Authentication cancelled"),
    AUTH_BAD_BASE64(501, "5.5.2 Cannot decode the response"),
    AUTH_MECHANISM(504, "5.5.4 Unrecognized authentication mechanism"),
    AUTH_OK(235, "2.7.0 Authentication successful"),
    AUTH_INVALID(535, "5.7.8 Authentication credentials invalid"),
    TOO_MANY_AUTH_FAILURES(421, "4.7.0 Too many failed authentications; try again later"),

    // MAIL
    MUST_STARTTLS(530, "5.7.0 Must issue a STARTTLS command first"),
    AUTH_REQUIRED(530, "5.7.0 Authentication required"),
    NOT_IN_TRANSACTION(503, "5.5.1 Not permitted during a mail transaction"),
    MAIL_SYNTAX(501, "5.5.4 Syntax: MAIL FROM:<address>"),
    BAD_SENDER_SYNTAX(501, "5.1.7 Bad sender address syntax"),
    BAD_SIZE_PARAMETER(501, "5.5.4 Bad SIZE parameter"),
    SIZE_EXCEEDED(552, "5.3.4 Message size exceeds fixed maximum message size"),
    UNKNOWN_MAIL_PARAMETER(555, "5.5.4 Unsupported MAIL FROM parameter"),
    SENDER_NOT_OWNED(553, "5.7.1 Sender address not allowed for this user"),
    // free disk below gateway.disk.min-free, at MAIL or at the end of DATA (Postfix's wording; RFC 1870 §6.1
    // for a declared SIZE that does not fit now)
    INSUFFICIENT_STORAGE(452, "4.3.1 Insufficient system storage; try again later"),

    // RCPT
    NEED_MAIL(503, "5.5.1 Error: need MAIL command"),
    RCPT_SYNTAX(501, "5.5.4 Syntax: RCPT TO:<address>"),
    BAD_RECIPIENT_SYNTAX(501, "5.1.3 Bad recipient address syntax"),
    UNKNOWN_RCPT_PARAMETER(555, "5.5.4 Unsupported RCPT TO parameter"),
    TOO_MANY_RECIPIENTS(452, "4.5.3 Too many recipients"),
    RELAY_DENIED(554, "5.7.1 Relay access denied: authenticate or send from a trusted network"),

    // DATA
    NO_PARAMETERS(501, "5.5.4 Syntax: no parameters allowed"),
    NEED_RCPT(503, "5.5.1 Error: need RCPT command"),
    // no enhanced code: RFC 3463 codes belong to 2xx, 4xx and 5xx replies
    START_MAIL_INPUT(354, "End data with <CR><LF>.<CR><LF>"),
    DATA_TIMEOUT(421, "4.4.2 DATA took too long; closing connection"),
    BARE_LINE_ENDING(550, "5.5.2 Message contains a bare CR or LF; lines must end in CRLF (RFC 5321 2.3.8)"),
    NUL_IN_MESSAGE(550, "5.6.0 Message contains a NUL byte"),
    MESSAGE_TOO_BIG(552, "5.3.4 Message exceeds the size limit"),
    QUEUE_UNAVAILABLE(451, "4.3.0 Queue temporarily unavailable, try again later");

    private final int code;
    private final String text;

    SmtpReply(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    /** The reply without its code: the enhanced status code, then the words. */
    public String text() {
        return text;
    }

    /** The whole reply line as sent, without CRLF. */
    public String line() {
        return code + " " + text;
    }

    /** For subethasmtp's message handler: refuses the command with this reply, the session goes on. */
    public RejectException reject() {
        return new RejectException(code, text);
    }

    /** For a session handler: refuses the connection with this reply instead of the greeting. */
    public SessionAcceptance refuseSession() {
        return SessionAcceptance.failure(code, text);
    }

    /** For a command: sends this reply, then subethasmtp closes the connection. */
    public DropConnectionException dropConnection() {
        return new DropConnectionException(code, text);
    }

    @Override
    public String toString() {
        return line();
    }
}
