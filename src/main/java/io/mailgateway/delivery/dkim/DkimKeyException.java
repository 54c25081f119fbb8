package io.mailgateway.delivery.dkim;

/**
 * A DKIM key cannot be used: the file is missing, unreadable, encrypted, not a private key, of an
 * unsupported type or too short. The message names the file and the problem; it stops the gateway at start,
 * so a configured key never silently fails to sign.
 */
public class DkimKeyException extends IllegalStateException {

    public DkimKeyException(String message) {
        super(message);
    }

    public DkimKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
