package io.mailgateway.smtp;

import java.util.Locale;
import java.util.Set;

/**
 * Whether a recipient is a plain {@code local@domain} for one of our accepted domains, the only thing an
 * untrusted, unauthenticated client may send to. Everything a relay might reinterpret as "somewhere else"
 * is refused rather than understood: the percent hack ({@code user%outside@here}), bang paths
 * ({@code outside!user@here}), source routes ({@code @here:user@outside}), quoted local parts (which may
 * hide an {@code @}), and IP-literal domains ({@code user@[192.0.2.1]}).
 */
final class RelayAddress {

    private RelayAddress() {
    }

    static boolean isPlainAddressIn(String recipient, Set<String> acceptedDomains) {
        if (acceptedDomains.isEmpty() || recipient.startsWith("@") || recipient.startsWith("\"")) {
            return false;
        }
        int at = recipient.indexOf('@');
        if (at <= 0 || at != recipient.lastIndexOf('@')) {
            return false;
        }
        String local = recipient.substring(0, at);
        String domain = recipient.substring(at + 1).toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (!local.matches("[A-Za-z0-9.!#$&'*+/=?^_`{|}~-]+") || local.contains("!")
                || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return false;
        }
        if (!domain.matches("[a-z0-9-]+(\\.[a-z0-9-]+)*")) {
            return false; // IP literals, ports, anything that is not a plain host name
        }
        return acceptedDomains.contains(domain);
    }
}
