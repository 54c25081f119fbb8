package io.mailgateway.delivery.dkim;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The domain of a message's From field: the identity DKIM signs for and DMARC aligns with (RFC 7489 §3.1).
 * A message whose From cannot name exactly one domain is not signed: a second From field or mailboxes in
 * two domains are the ambiguity that lets a receiver show one domain while checking another.
 *
 * @param domain the domain in ASCII (A-label) form, lower case; null when there is a problem
 * @param problem why no single domain could be found; null when found
 */
record FromDomain(String domain, String problem) {

    static FromDomain of(HeaderBlock headers) {
        List<HeaderBlock.Field> from = headers.all("From");
        if (from.isEmpty()) {
            return problem("no From header field");
        }
        if (from.size() > 1) {
            return problem(from.size() + " From header fields");
        }
        // RFC 6532 allows UTF-8 in headers; the field is held one char per byte
        String value = new String(HeaderBlock.unfoldedValue(from.get(0)).getBytes(StandardCharsets.ISO_8859_1),
            StandardCharsets.UTF_8);
        InternetAddress[] addresses;
        try {
            addresses = InternetAddress.parseHeader(value, true);
        } catch (AddressException e) {
            return problem("From header field cannot be parsed: " + e.getMessage());
        }
        if (addresses.length == 0) {
            return problem("From header field has no address");
        }
        String domain = null;
        for (InternetAddress address : addresses) {
            if (address.isGroup()) {
                return problem("From header field is a group");
            }
            String mailbox = address.getAddress();
            int at = mailbox == null ? -1 : mailbox.lastIndexOf('@');
            if (at < 0 || at == mailbox.length() - 1) {
                return problem("From address has no domain");
            }
            String found = normalise(mailbox.substring(at + 1));
            if (domain == null) {
                domain = found;
            } else if (!domain.equals(found)) {
                return problem("From header field has addresses in " + domain + " and " + found);
            }
        }
        return new FromDomain(domain, null);
    }

    /** Lower case, no trailing dot, internationalised labels as A-labels: how a configured domain is compared. */
    static String normalise(String domain) {
        String d = domain.strip();
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        try {
            d = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            // not a valid IDN: compare as written; it will simply match no configured domain
        }
        return d.toLowerCase(Locale.ROOT);
    }

    private static FromDomain problem(String problem) {
        return new FromDomain(null, problem);
    }
}
