package io.mailgateway.doctor;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * What direct-to-MX delivery needs beyond a smart host: the recipients' MX records resolve, outgoing port 25
 * is open to them, and this machine's public address has a reverse (PTR) name that matches its EHLO name —
 * without that, large providers refuse or spam-folder the mail. Uses the JDK's DNS client only.
 */
final class MxChecks {

    private final String domain;
    private final String ehloName;
    private final Duration timeout;

    MxChecks(String domain, String ehloName, Duration timeout) {
        this.domain = domain;
        this.ehloName = ehloName;
        this.timeout = timeout;
    }

    List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        List<String> exchanges;
        try {
            exchanges = mx(domain);
        } catch (NamingException | RuntimeException e) {
            results.add(CheckResult.fail("mx.records", "MX records", "cannot look up the MX records of " + domain + ": "
                + e.getMessage(), "This machine's DNS must answer MX queries for any domain; check the network and"
                + " the DNS server (nslookup -type=mx " + domain + ")."));
            results.add(CheckResult.skip("mx.port25", "MX port 25", "not tried: no mail server to try"));
            results.add(ptr());
            return results;
        }
        if (exchanges.isEmpty()) {
            results.add(CheckResult.warn("mx.records", "MX records", domain + " has no MX record (mail would go to its"
                + " address record)", "Try another --mx-domain, e.g. gmail.com."));
            results.add(CheckResult.skip("mx.port25", "MX port 25", "not tried"));
        } else {
            results.add(CheckResult.ok("mx.records", "MX records", domain + ": " + String.join(", ", exchanges)));
            PortProbe.Result port25 = PortProbe.connect(exchanges.get(0), 25, timeout);
            results.add(port25.open()
                ? CheckResult.ok("mx.port25", "MX port 25", exchanges.get(0) + ":25 accepted a connection")
                : CheckResult.fail("mx.port25", "MX port 25", exchanges.get(0) + ":25 " + port25.summary(timeout),
                    port25.outcome() == PortProbe.Outcome.TIMED_OUT
                        ? "Outgoing port 25 is blocked, as most internet providers do for home and office lines:"
                        + " direct delivery cannot work here. Use a smart host on port 587 instead"
                        + " (gateway.delivery.mode=smarthost)."
                        : "Check this machine's network and firewall."));
        }
        results.add(ptr());
        return results;
    }

    /** Exchange names ordered by preference. */
    private List<String> mx(String name) throws NamingException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put("com.sun.jndi.dns.timeout.initial", String.valueOf(Math.max(500, timeout.toMillis() / 2)));
        env.put("com.sun.jndi.dns.timeout.retries", "1");
        DirContext context = new InitialDirContext(env);
        try {
            Attributes attributes = context.getAttributes(name, new String[] {"MX"});
            Attribute mx = attributes.get("MX");
            List<String[]> records = new ArrayList<>();
            if (mx != null) {
                NamingEnumeration<?> values = mx.getAll();
                while (values.hasMore()) {
                    String[] parts = values.next().toString().trim().split("\\s+");
                    if (parts.length == 2) {
                        records.add(parts);
                    }
                }
            }
            records.sort(Comparator.comparingInt(r -> Integer.parseInt(r[0])));
            List<String> exchanges = new ArrayList<>();
            for (String[] record : records) {
                String exchange = record[1].endsWith(".") ? record[1].substring(0, record[1].length() - 1) : record[1];
                if (!exchange.isEmpty()) {
                    exchanges.add(exchange);
                }
            }
            return exchanges;
        } finally {
            context.close();
        }
    }

    /**
     * The reverse name of the address this machine sends from. Behind NAT (a private address) the public
     * address belongs to the router and cannot be known without asking a service on the internet, which doctor
     * does not do: it says how to check by hand.
     */
    private CheckResult ptr() {
        String id = "mx.ptr";
        String title = "reverse DNS (PTR)";
        InetAddress local;
        try (DatagramSocket socket = new DatagramSocket()) {
            // "connecting" a UDP socket sends nothing; it only picks the interface the route would use
            socket.connect(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 53));
            local = socket.getLocalAddress();
        } catch (Exception e) {
            return CheckResult.skip(id, title, "no network route to the internet from this machine (" + e.getMessage() + ")");
        }
        String howTo = "Find the public address (your router's status page, or: nslookup myip.opendns.com"
            + " resolver1.opendns.com), then: nslookup <that address>. The name it returns should resolve back to the"
            + " same address and be the gateway's EHLO name (" + ehloName + ", set with "
            + Settings.named("gateway.hostname") + "). Only your internet provider can set the PTR record.";
        if (!isPublic(local)) {
            return CheckResult.skip(id, title, "this machine sends from the private address " + local.getHostAddress()
                + " (behind NAT): its public address, and so its PTR record, cannot be checked without asking a service"
                + " on the internet. " + howTo);
        }
        String name = reverse(local);
        if (name == null || name.equals(local.getHostAddress())) {
            return CheckResult.warn(id, title, local.getHostAddress() + " has no PTR record: many receiving servers"
                + " refuse mail from an address without one", howTo);
        }
        if (!name.equalsIgnoreCase(ehloName)) {
            return CheckResult.warn(id, title, local.getHostAddress() + " is named " + name + ", but the gateway says"
                + " EHLO " + ehloName, "Set " + Settings.assignment("gateway.hostname", name)
                + ", or ask the provider to point the PTR record at " + ehloName + ".");
        }
        return CheckResult.ok(id, title, local.getHostAddress() + " is named " + name + ", the gateway's EHLO name");
    }

    private String reverse(InetAddress address) {
        ExecutorService lookup = Executors.newSingleThreadExecutor(SmartHostChecks.daemon("doctor-ptr"));
        try {
            Future<String> name = lookup.submit(address::getCanonicalHostName);
            return name.get(timeout.toMillis(), TimeUnit.MILLISECONDS).toLowerCase(Locale.ROOT);
        } catch (Exception e) {
            return null;
        } finally {
            lookup.shutdownNow();
        }
    }

    /**
     * Whether the internet could see this address: not loopback, link-local, RFC 1918, carrier-grade NAT
     * (100.64/10), documentation (RFC 5737) or benchmark (198.18/15) IPv4, nor an IPv6 unique-local address.
     */
    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            int third = b[2] & 0xff;
            boolean carrierNat = first == 100 && (second & 0xc0) == 64;
            boolean documentation = (first == 192 && second == 0 && third == 2) || (first == 198 && second == 51 && third == 100)
                || (first == 203 && second == 0 && third == 113);
            boolean benchmark = first == 198 && (second & 0xfe) == 18;
            return !(carrierNat || documentation || benchmark);
        }
        return (b[0] & 0xfe) != 0xfc; // fc00::/7
    }
}
