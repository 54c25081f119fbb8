package io.mailgateway.delivery.dkim;

import java.security.MessageDigest;

/**
 * The two canonicalisation algorithms of RFC 6376 §3.4, for header fields and for the body. "relaxed"
 * survives what forwarders commonly do (refolding headers, changing whitespace); "simple" survives nothing,
 * which is why relaxed/relaxed is the default.
 */
enum Canonicalization {

    SIMPLE,
    RELAXED;

    String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Canonicalization of(String tag) {
        return switch (tag.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "simple" -> SIMPLE;
            case "relaxed" -> RELAXED;
            default -> throw new IllegalArgumentException("unknown DKIM canonicalization '" + tag + "': simple or relaxed");
        };
    }

    /**
     * The canonical form of one header field, CRLF included (RFC 6376 §3.4.1, §3.4.2). {@code raw} is the
     * field as on the wire, one char per byte.
     */
    String header(String raw) {
        if (this == SIMPLE) {
            return raw; // §3.4.1: not changed in any way
        }
        int colon = raw.indexOf(':');
        // §3.4.2: lower-case the name; drop WSP between the name and the colon (the "Name :" obsolete form)
        String name = HeaderBlock.lowerCase(raw.substring(0, colon).stripTrailing());
        StringBuilder out = new StringBuilder(raw.length()).append(name).append(':');
        boolean pendingSpace = false;
        boolean valueStarted = false;
        String value = raw.substring(colon + 1);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' && i + 1 < value.length() && value.charAt(i + 1) == '\n') {
                // unfold: a CRLF inside a field is always followed by WSP, which stays and is compressed below;
                // the field's final CRLF is dropped here and added back once at the end
                i++;
                continue;
            }
            if (c == ' ' || c == '\t') {
                pendingSpace = true; // a run of WSP becomes one SP ...
                continue;
            }
            if (pendingSpace && valueStarted) {
                out.append(' ');
            }
            // ... but WSP right after the colon and at the end of the value is deleted
            pendingSpace = false;
            valueStarted = true;
            out.append(c);
        }
        return out.append("\r\n").toString();
    }

    /** A streaming body canonicaliser that feeds {@code digest}. */
    BodyCanonicalizer body(MessageDigest digest) {
        return new BodyCanonicalizer(this == RELAXED, digest);
    }
}
