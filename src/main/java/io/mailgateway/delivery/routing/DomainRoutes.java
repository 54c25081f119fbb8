package io.mailgateway.delivery.routing;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which next hop a recipient domain goes to, like Postfix's transport_maps: {@code example.com} matches that
 * domain only, {@code *.example.com} its subdomains only. The most specific entry wins: an exact domain before
 * any wildcard, and the wildcard of the nearest parent before those further up; unmatched domains take the
 * default. Matching ignores case and a trailing dot.
 *
 * @param <T> what a domain is routed to (a transport)
 */
public final class DomainRoutes<T> {

    private final Map<String, T> exact = new HashMap<>();
    private final Map<String, T> subdomainsOf = new HashMap<>();
    private final T fallback;

    public DomainRoutes(T fallback) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    /**
     * @throws IllegalArgumentException when the same domain pattern is routed twice
     */
    public DomainRoutes<T> add(String pattern, T target) {
        String normalised = normalise(pattern);
        boolean wildcard = normalised.startsWith("*.");
        Map<String, T> map = wildcard ? subdomainsOf : exact;
        String key = wildcard ? normalised.substring(2) : normalised;
        if (map.putIfAbsent(key, target) != null) {
            throw new IllegalArgumentException("domain " + pattern + " is routed twice");
        }
        return this;
    }

    public T forDomain(String domain) {
        String name = normalise(domain);
        T target = exact.get(name);
        if (target != null) {
            return target;
        }
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            target = subdomainsOf.get(name.substring(dot + 1));
            if (target != null) {
                return target;
            }
        }
        return fallback;
    }

    /** The domain of an address ({@code local@domain}; the last {@code @} counts, as in a quoted local part). */
    public T forRecipient(String address) {
        int at = address.lastIndexOf('@');
        return forDomain(at < 0 ? "" : address.substring(at + 1));
    }

    private static String normalise(String domain) {
        String lower = domain.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
