package io.mailgateway.mail;

/**
 * Input that can never become a mail (malformed XML, no recipient, a hostile attachment path...). The
 * message says exactly what is wrong, in words an operator can act on (with line and column for XML); it
 * ends up in a {@code .reason.txt} next to the failed file, or in a dead-letter property. Retrying does
 * not help, unlike a queue that is temporarily unavailable.
 */
public class RejectedMailException extends Exception {

    public RejectedMailException(String message) {
        super(message);
    }

    public RejectedMailException(String message, Throwable cause) {
        super(message, cause);
    }
}
