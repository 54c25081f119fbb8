package io.mailgateway.smtp.commands;

/** Replies the listener's own commands give, with RFC 3463 enhanced status codes. */
final class Replies {

    static final String MUST_STARTTLS = "530 5.7.0 Must issue a STARTTLS command first";
    static final String AUTH_REQUIRED = "530 5.7.0 Authentication required";
    static final String ENCRYPTION_REQUIRED = "538 5.7.11 Encryption required for requested authentication mechanism";
    static final String AUTH_INVALID = "535 5.7.8 Authentication credentials invalid";
    static final String AUTH_OK = "235 2.7.0 Authentication successful";
    static final String AUTH_CANCELLED = "501 5.7.0 Authentication cancelled";
    static final String AUTH_BAD_BASE64 = "501 5.5.2 Cannot decode the response";
    static final String AUTH_MECHANISM = "504 5.5.4 Unrecognized authentication mechanism";
    static final String ALREADY_AUTHENTICATED = "503 5.5.1 Already authenticated";
    static final String NOT_IN_TRANSACTION = "503 5.5.1 Not permitted during a mail transaction";
    static final String TLS_ACTIVE = "503 5.5.1 TLS already active";
    static final String STARTTLS_NOT_OFFERED = "502 5.5.1 STARTTLS not offered on this port";
    static final String NO_PARAMETERS = "501 5.5.4 Syntax: no parameters allowed";
    static final String NEED_MAIL = "503 5.5.1 Error: need MAIL command";
    static final String NEED_RCPT = "503 5.5.1 Error: need RCPT command";
    static final String TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients";
    static final String SIZE_EXCEEDED = "552 5.3.4 Message size exceeds fixed maximum message size";
    static final String UNKNOWN_PARAMETER = "555 5.5.4 Unsupported MAIL FROM parameter";
    static final String SENDER_NOT_OWNED = "553 5.7.1 Sender address not allowed for this user";
    static final String LINE_TOO_LONG = "500 5.5.2 Line too long (at most 512 octets)";
    static final String BDAT_NOT_OFFERED = "502 5.5.1 BDAT not supported";
    static final int CLOSING = 421;
    static final String BAD_LINE = "4.5.2 Bare CR or LF, or NUL, in a command line; closing connection";
    static final String TOO_MANY_ERRORS = "4.7.0 Too many errors; closing connection";
    static final String TOO_MANY_AUTH_FAILURES = "4.7.0 Too many failed authentications; try again later";
    static final String IDLE_TIMEOUT = "4.4.2 Idle for too long; closing connection";
    static final String TLS_FAILED = "4.7.0 TLS handshake failed; closing connection";

    private Replies() {
    }
}
