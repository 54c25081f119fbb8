package io.mailgateway.queue;

/** The mail could not be persisted in the queue; the intake must refuse it temporarily (SMTP 451). */
public class EnqueueException extends Exception {

    public EnqueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
