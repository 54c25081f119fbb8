package io.mailgateway.smtp.commands;

/**
 * What one listener demands (RFC 6409 for submission, RFC 8314 for implicit TLS).
 *
 * @param name {@code relay}, {@code submission} or {@code smtps}, for logs
 * @param implicitTls TLS from the first byte (port 465)
 * @param offersStartTls STARTTLS advertised and accepted
 * @param requiresTls MAIL refused (530 5.7.0) until TLS is active
 * @param requiresAuth MAIL refused (530 5.7.0) until AUTH succeeded
 */
public record ListenerProfile(String name, boolean implicitTls, boolean offersStartTls,
                              boolean requiresTls, boolean requiresAuth) {

    /** Port 25: trusted networks relay without AUTH; STARTTLS offered; AUTH only after it. */
    public static ListenerProfile relay() {
        return new ListenerProfile("relay", false, true, false, false);
    }

    /** Port 587: STARTTLS before AUTH, AUTH before MAIL. */
    public static ListenerProfile submission() {
        return new ListenerProfile("submission", false, true, true, true);
    }

    /** Port 465: TLS from the start, AUTH before MAIL. */
    public static ListenerProfile smtps() {
        return new ListenerProfile("smtps", true, false, true, true);
    }
}
