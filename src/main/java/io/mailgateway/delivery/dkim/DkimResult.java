package io.mailgateway.delivery.dkim;

import java.nio.charset.StandardCharsets;

/**
 * What signing one message gave: the {@code DKIM-Signature} header field to put in front of the unchanged
 * message, or the reason it was not signed. Not signing is a normal outcome (no key for the sender's
 * domain, no From): the mail still goes out, just unsigned.
 *
 * @param headerField the complete field, folded, ending with CRLF; null when not signed
 * @param reason why the message was not signed; null when signed
 */
public record DkimResult(String headerField, String reason) {

    public DkimResult {
        if ((headerField == null) == (reason == null)) {
            throw new IllegalArgumentException("exactly one of headerField and reason");
        }
    }

    static DkimResult signature(String headerField) {
        return new DkimResult(headerField, null);
    }

    static DkimResult notSigned(String reason) {
        return new DkimResult(null, reason);
    }

    public boolean isSigned() {
        return headerField != null;
    }

    /**
     * The bytes to write before the original message; empty when not signed, so a caller can always write
     * them. The field is US-ASCII (base64, domain and selector are ASCII).
     */
    public byte[] headerBytes() {
        return isSigned() ? headerField.getBytes(StandardCharsets.US_ASCII) : new byte[0];
    }
}
