package io.mailgateway.delivery.mx;

import io.mailgateway.config.GatewayProperties;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Where mail for a domain goes, by RFC 5321 §5.1: its MX hosts in preference order (equal preferences in
 * random order, to spread load as the RFC asks), each with its addresses; without MX records the domain's
 * own A/AAAA (the implicit MX). The answer is permanent when the domain cannot receive mail (NXDOMAIN, a null
 * MX "." per RFC 7505, no MX and no address) and temporary when DNS could not say (timeout, SERVFAIL).
 *
 * <p>Uses dnsjava with the servers in gateway.delivery.mx.dns-servers (or the system's), never the JVM's
 * resolver, so a split-horizon office or a test can point it at its own DNS server.
 */
public final class MxResolver {

    private final Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);

    /** A host to try, by name (for logs and EHLO talk) and address (to connect to). */
    public record Hop(String host, InetAddress address) {
        @Override
        public String toString() {
            return host + "[" + address.getHostAddress() + "]";
        }
    }

    /** The hops in the order to try them, or why there are none. */
    public record Resolution(List<Hop> hops, String permanentFailure, String temporaryFailure) {
        static Resolution of(List<Hop> hops) {
            return new Resolution(List.copyOf(hops), null, null);
        }

        static Resolution permanent(String reason) {
            return new Resolution(List.of(), reason, null);
        }

        static Resolution temporary(String reason) {
            return new Resolution(List.of(), null, reason);
        }
    }

    public MxResolver(GatewayProperties.Mx settings) throws UnknownHostException {
        this.resolver = resolver(settings);
    }

    public Resolution resolve(String domain) {
        Name name;
        try {
            name = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            return Resolution.permanent("'" + domain + "' is not a domain name");
        }
        Lookup mx = lookup(name, Type.MX);
        Record[] records = mx.run();
        switch (mx.getResult()) {
            case Lookup.SUCCESSFUL -> {
                return hopsFor(domain, records);
            }
            case Lookup.HOST_NOT_FOUND -> {
                return Resolution.permanent("domain " + domain + " does not exist (DNS: NXDOMAIN)");
            }
            case Lookup.TYPE_NOT_FOUND -> {
                // no MX: the domain itself is the implicit MX, if it has an address
                List<Hop> hops = addresses(domain, name);
                if (hops == null) {
                    return Resolution.temporary("DNS lookup of the address of " + domain + " failed temporarily");
                }
                return hops.isEmpty()
                    ? Resolution.permanent("domain " + domain + " has no MX and no A/AAAA record: it cannot receive mail")
                    : Resolution.of(hops);
            }
            default -> {
                return Resolution.temporary("DNS lookup of MX for " + domain + " failed temporarily: " + mx.getErrorString());
            }
        }
    }

    private Resolution hopsFor(String domain, Record[] records) {
        List<MXRecord> mxs = new ArrayList<>();
        for (Record record : records) {
            if (record instanceof MXRecord mx) {
                mxs.add(mx);
            }
        }
        if (mxs.size() == 1 && mxs.get(0).getTarget().equals(Name.root)) {
            return Resolution.permanent("domain " + domain + " does not accept mail (null MX, RFC 7505)");
        }
        // shuffle, then a stable sort by preference: equal preferences end up in random order
        Collections.shuffle(mxs, ThreadLocalRandom.current());
        mxs.sort(Comparator.comparingInt(MXRecord::getPriority));
        List<Hop> hops = new ArrayList<>();
        boolean temporary = false;
        for (MXRecord mx : mxs) {
            if (mx.getTarget().equals(Name.root)) {
                continue;
            }
            String host = mx.getTarget().toString(true);
            List<Hop> addresses = addresses(host, mx.getTarget());
            if (addresses == null) {
                temporary = true;
            } else {
                hops.addAll(addresses);
            }
        }
        if (hops.isEmpty()) {
            return temporary
                ? Resolution.temporary("DNS lookup of the MX hosts of " + domain + " failed temporarily")
                : Resolution.temporary("the MX hosts of " + domain + " have no address");
        }
        return Resolution.of(hops);
    }

    /** A then AAAA records of {@code name}; empty when it has none, null when DNS failed temporarily. */
    private List<Hop> addresses(String host, Name name) {
        Map<InetAddress, Hop> hops = new LinkedHashMap<>();
        boolean answered = false;
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Lookup lookup = lookup(name, type);
            Record[] records = lookup.run();
            int result = lookup.getResult();
            if (result == Lookup.SUCCESSFUL) {
                answered = true;
                for (Record record : records) {
                    InetAddress address = record instanceof ARecord a ? a.getAddress()
                        : record instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
                    if (address != null) {
                        hops.putIfAbsent(address, new Hop(host, address));
                    }
                }
            } else if (result == Lookup.HOST_NOT_FOUND || result == Lookup.TYPE_NOT_FOUND) {
                answered = true;
            }
        }
        return answered ? new ArrayList<>(hops.values()) : null;
    }

    private Lookup lookup(Name name, int type) {
        Lookup lookup = new Lookup(name, type);
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        return lookup;
    }

    private static Resolver resolver(GatewayProperties.Mx settings) throws UnknownHostException {
        ExtendedResolver resolver;
        if (settings.getDnsServers().isEmpty()) {
            resolver = new ExtendedResolver();
        } else {
            List<Resolver> servers = new ArrayList<>();
            for (String server : settings.getDnsServers()) {
                servers.add(new SimpleResolver(socketAddress(server)));
            }
            resolver = new ExtendedResolver(servers);
        }
        resolver.setTimeout(settings.getDnsTimeout());
        return resolver;
    }

    /**
     * {@code host}, {@code host:port} or {@code [v6]:port}; port 53 when none is given. Anything else stops
     * the start with a message naming the setting and the entry.
     */
    static InetSocketAddress socketAddress(String server) {
        String value = server.strip();
        String host = value;
        String port = null;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || (close + 1 < value.length() && value.charAt(close + 1) != ':')) {
                throw badServer(server, "expected [address] or [address]:port");
            }
            host = value.substring(1, close);
            port = close + 1 < value.length() ? value.substring(close + 2) : null;
        } else if (value.indexOf(':') > 0 && value.indexOf(':') == value.lastIndexOf(':')) {
            host = value.substring(0, value.indexOf(':'));
            port = value.substring(value.indexOf(':') + 1);
        }
        if (host.isEmpty()) {
            throw badServer(server, "no host");
        }
        int number = port == null ? 53 : port(server, port);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), number);
        } catch (UnknownHostException e) {
            throw badServer(server, "unknown host (" + e.getMessage() + ")");
        }
    }

    private static int port(String server, String port) {
        try {
            int number = Integer.parseInt(port);
            if (number >= 1 && number <= 65535) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw badServer(server, "'" + port + "' is not a port number");
    }

    private static IllegalArgumentException badServer(String server, String problem) {
        return new IllegalArgumentException("gateway.delivery.mx.dns-servers: '" + server + "': " + problem);
    }
}
