package io.mailgateway.doctor;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.config.GatewayProperties.TlsMode;
import io.mailgateway.delivery.SmartHostTrust;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The smart host, as the gateway will meet it: does its name resolve, does its port answer (and which of
 * 25, 587 and 465 do, when it does not), what does it offer after EHLO, does TLS work with a certificate the
 * gateway accepts, and do the configured credentials log in. No mail is sent: the session ends after AUTH
 * with QUIT.
 */
final class SmartHostChecks {

    static final List<Integer> STANDARD_PORTS = List.of(25, 587, 465);

    private final GatewayProperties.SmartHost config;
    private final String ehloName;
    private final Duration timeout;
    private final List<Integer> otherPorts;
    private final Clock clock;
    private final List<String> transcript = new ArrayList<>();

    /**
     * @param otherPorts ports tried besides the configured one (full doctor: 25, 587, 465); empty for the
     *                   short check at start
     */
    SmartHostChecks(GatewayProperties.SmartHost config, String ehloName, Duration timeout, List<Integer> otherPorts,
                    Clock clock) {
        this.config = config;
        this.ehloName = ehloName;
        this.timeout = timeout;
        this.otherPorts = otherPorts;
        this.clock = clock;
    }

    /** The SMTP dialogue of the last run, passwords masked. */
    List<String> transcript() {
        return List.copyOf(transcript);
    }

    List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        String host = config.getHost().trim();
        int port = config.getPort();

        CheckResult dns = resolve(host);
        results.add(dns);
        if (dns.status() == Status.FAIL) {
            results.add(CheckResult.skip("smarthost.connect", "smart host connect", "not tried: " + host + " has no address"));
            return results;
        }

        Map<Integer, PortProbe.Result> probes = probe(host, port);
        PortProbe.Result configured = probes.get(port);
        results.add(connectResult(configured, probes));
        if (!otherPorts.isEmpty()) {
            results.add(portsResult(host, port, probes));
        }
        if (!configured.open()) {
            results.add(CheckResult.skip("smarthost.ehlo", "smart host EHLO", "not tried: no connection"));
            return results;
        }
        results.addAll(session(host, port));
        return results;
    }

    private CheckResult resolve(String host) {
        String id = "smarthost.dns";
        String title = "smart host DNS";
        if (ServerCertificate.isIpLiteral(host)) {
            return CheckResult.ok(id, title, host + " is an address, no lookup needed");
        }
        ExecutorService lookup = Executors.newSingleThreadExecutor(daemon("doctor-dns"));
        long started = System.nanoTime();
        try {
            Future<InetAddress[]> addresses = lookup.submit(() -> InetAddress.getAllByName(host));
            InetAddress[] found = addresses.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long millis = (System.nanoTime() - started) / 1_000_000;
            return CheckResult.ok(id, title, host + " resolves to " + Arrays.stream(found)
                .map(InetAddress::getHostAddress).distinct().limit(4).collect(Collectors.joining(", ")) + " (" + millis + " ms)");
        } catch (TimeoutException e) {
            return CheckResult.fail(id, title, "no answer from DNS for " + host + " within " + PortProbe.seconds(timeout),
                "This machine's DNS server does not answer. Check the network connection and the DNS server"
                    + " (nslookup " + host + "); on an office network, ask which DNS server to use.");
        } catch (ExecutionException e) {
            String reason = e.getCause() instanceof UnknownHostException ? "unknown name" : String.valueOf(e.getCause());
            return CheckResult.fail(id, title, host + " does not resolve (" + reason + ")",
                "Check the spelling of " + Settings.named("gateway.delivery.smarthost.host") + " (for example"
                    + " smtp.office365.com, smtp.gmail.com or your provider's relay), then this machine's DNS:"
                    + " nslookup " + host + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.skip(id, title, "interrupted");
        } finally {
            lookup.shutdownNow();
        }
    }

    /** The configured port and the others at once, so a blocked port costs one timeout, not four. */
    private Map<Integer, PortProbe.Result> probe(String host, int port) {
        List<Integer> ports = new ArrayList<>();
        ports.add(port);
        otherPorts.stream().filter(p -> p != port && !ports.contains(p)).forEach(ports::add);
        ExecutorService pool = Executors.newFixedThreadPool(ports.size(), daemon("doctor-connect"));
        try {
            Map<Integer, Future<PortProbe.Result>> futures = new LinkedHashMap<>();
            for (int p : ports) {
                futures.put(p, pool.submit(() -> PortProbe.connect(host, p, timeout)));
            }
            Map<Integer, PortProbe.Result> results = new LinkedHashMap<>();
            for (Map.Entry<Integer, Future<PortProbe.Result>> entry : futures.entrySet()) {
                try {
                    results.put(entry.getKey(), entry.getValue().get());
                } catch (ExecutionException e) {
                    results.put(entry.getKey(), new PortProbe.Result(host, entry.getKey(), PortProbe.Outcome.ERROR, 0,
                        String.valueOf(e.getCause())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    results.put(entry.getKey(), new PortProbe.Result(host, entry.getKey(), PortProbe.Outcome.ERROR, 0,
                        "interrupted"));
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private CheckResult connectResult(PortProbe.Result result, Map<Integer, PortProbe.Result> all) {
        String id = "smarthost.connect";
        String title = "smart host connect";
        String where = result.host() + ":" + result.port();
        String suggestion = suggestion(result.port(), all);
        return switch (result.outcome()) {
            case OPEN -> CheckResult.ok(id, title, where + " accepted a connection (" + result.millis() + " ms)");
            case REFUSED -> CheckResult.fail(id, title, where + " refused the connection: the host answered, but"
                    + " nothing listens on port " + result.port(),
                (suggestion != null ? suggestion + " " : "") + "Check the port with your mail provider: usually 587"
                    + " (STARTTLS) or 465 (implicit TLS); 25 is for server-to-server mail and often blocked.");
            case TIMED_OUT -> CheckResult.fail(id, title, where + " timed out after " + PortProbe.seconds(timeout)
                    + ": no answer at all, the packets are dropped on the way",
                (suggestion != null ? suggestion + " " : "") + "A firewall or your internet provider blocks outgoing"
                    + " connections to port " + result.port() + (result.port() == 25
                    ? " (most providers block port 25 for home and office lines)" : "")
                    + ". Allow this program through the firewall (on Windows: Windows Defender Firewall, outbound"
                    + " rules), or ask the provider to open the port.");
            case UNREACHABLE -> CheckResult.fail(id, title, where + " is unreachable (" + result.message() + ")",
                "This machine has no route to the smart host: check the network connection, the default gateway"
                    + " and any VPN.");
            case UNKNOWN_HOST -> CheckResult.fail(id, title, where + ": unknown host", "See the DNS check above.");
            case ERROR -> CheckResult.fail(id, title, where + ": " + result.message(),
                "Check " + Settings.named("gateway.delivery.smarthost.host") + " and "
                    + Settings.named("gateway.delivery.smarthost.port") + ".");
        };
    }

    /** When the configured port fails and another answers: which to use, with the matching TLS mode. */
    private String suggestion(int configuredPort, Map<Integer, PortProbe.Result> all) {
        if (all.get(configuredPort).open()) {
            return null;
        }
        List<Integer> preference = new ArrayList<>(List.of(587, 465, 25));
        all.keySet().stream().filter(p -> !preference.contains(p)).forEach(preference::add);
        for (int port : preference) {
            PortProbe.Result result = all.get(port);
            if (result != null && port != configuredPort && result.open()) {
                String tls = port == 465 ? "implicit" : port == 587 || port == 25 ? "starttls-required"
                    : config.getTls().name().toLowerCase(Locale.ROOT).replace('_', '-');
                return "Port " + port + " of " + result.host() + " answers: set "
                    + Settings.assignment("gateway.delivery.smarthost.port", port) + " and "
                    + Settings.assignment("gateway.delivery.smarthost.tls", tls) + ", then run doctor again.";
            }
        }
        return null;
    }

    private CheckResult portsResult(String host, int configuredPort, Map<Integer, PortProbe.Result> probes) {
        String id = "smarthost.ports";
        String title = "smart host ports";
        String summary = probes.values().stream()
            .map(r -> r.summary(timeout) + (r.port() == configuredPort ? " [configured]" : ""))
            .collect(Collectors.joining(", "));
        boolean anyOpen = probes.values().stream().anyMatch(PortProbe.Result::open);
        if (!anyOpen) {
            boolean allTimedOut = probes.values().stream().allMatch(r -> r.outcome() == PortProbe.Outcome.TIMED_OUT);
            return CheckResult.fail(id, title, host + ": " + summary,
                allTimedOut
                    ? "Nothing answers on any mail port: this machine's outgoing connections are blocked (firewall,"
                    + " proxy-only network) or " + host + " is the wrong host."
                    : "No mail port of " + host + " accepts connections: check the host name with your provider.");
        }
        return CheckResult.ok(id, title, host + ": " + summary);
    }

    /** Greeting, EHLO, TLS and certificate, AUTH: one connection, as the gateway would open it. */
    private List<CheckResult> session(String host, int port) {
        List<CheckResult> results = new ArrayList<>();
        TlsMode mode = config.getTls();
        CapturingTrust capture = new CapturingTrust();
        SSLSocketFactory tlsFactory;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {capture}, null);
            tlsFactory = context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            results.add(CheckResult.fail("smarthost.tls", "smart host TLS", "this Java cannot do TLS: " + e.getMessage(),
                "Use a complete Java 17 runtime."));
            return results;
        }
        SmtpProbe probe;
        try {
            probe = SmtpProbe.connect(host, port, timeout, timeout, mode == TlsMode.IMPLICIT ? tlsFactory : null);
        } catch (SSLException e) {
            results.add(handshakeFailed(host, port, e, true));
            return results;
        } catch (IOException e) {
            results.add(CheckResult.fail("smarthost.ehlo", "smart host EHLO", host + ":" + port + ": " + e.getMessage(),
                "The port accepted a connection a moment ago; try again, and check the firewall."));
            return results;
        }
        boolean tlsActive = mode == TlsMode.IMPLICIT;
        try {
            SmtpProbe.Reply greeting;
            try {
                greeting = probe.read();
            } catch (SocketTimeoutException e) {
                results.add(CheckResult.fail("smarthost.ehlo", "smart host EHLO", host + ":" + port
                        + " accepted the connection but sent no greeting within " + PortProbe.seconds(timeout),
                    port == 465 && mode != TlsMode.IMPLICIT
                        ? "Port 465 expects TLS from the first byte: set "
                        + Settings.assignment("gateway.delivery.smarthost.tls", "implicit") + "."
                        : "This is not an SMTP server, or it is overloaded. Check the port with your provider."));
                return results;
            }
            if (greeting.code() != 220) {
                results.add(CheckResult.fail("smarthost.ehlo", "smart host EHLO", "the smart host greets with '"
                        + greeting.oneLine() + "' instead of 220",
                    "The smart host turns this machine away before any command: its address may be on a blocklist or"
                        + " not allowed to use this relay. Give the reply above to your provider."));
                return results;
            }
            SmtpProbe.Reply ehlo = probe.command("EHLO " + ehloName);
            if (ehlo.code() != 250) {
                SmtpProbe.Reply helo = probe.command("HELO " + ehloName);
                results.add(helo.code() == 250
                    ? CheckResult.warn("smarthost.ehlo", "smart host EHLO", "EHLO refused ('" + ehlo.oneLine()
                        + "'), HELO accepted: no extensions, so no STARTTLS and no AUTH",
                        "An old or restricted server: ask the provider for a submission port (587).")
                    : CheckResult.fail("smarthost.ehlo", "smart host EHLO", "EHLO " + ehloName + " refused: '"
                        + ehlo.oneLine() + "'", "The smart host does not accept this machine's name ("
                        + ehloName + "). Set " + Settings.named("gateway.hostname") + " to this machine's full DNS name."));
                return results;
            }
            List<String> extensions = SmtpProbe.extensions(ehlo);
            results.add(CheckResult.ok("smarthost.ehlo", "smart host EHLO", "220 " + shorten(greeting.text(), 60)
                + "; EHLO " + ehloName + " offers: " + (extensions.isEmpty() ? "nothing" : String.join(", ", extensions))));

            ServerCertificate.Verdict verdict = null;
            switch (mode) {
                case IMPLICIT -> {
                    results.add(CheckResult.ok("smarthost.tls", "smart host TLS",
                        "implicit TLS (from the first byte): " + probe.transcript().stream()
                            .filter(l -> l.startsWith("=== TLS T")).findFirst().orElse("").replace("=== TLS ", "")));
                    verdict = certificate(capture, host);
                }
                case STARTTLS, STARTTLS_REQUIRED -> {
                    boolean required = mode == TlsMode.STARTTLS_REQUIRED;
                    if (!SmtpProbe.offers(extensions, "STARTTLS")) {
                        results.add(required
                            ? CheckResult.fail("smarthost.tls", "smart host TLS", host + ":" + port
                                + " does not offer STARTTLS, and " + Settings.named("gateway.delivery.smarthost.tls")
                                + " is starttls-required: the gateway will not send mail or a password in clear",
                                starttlsAlternatives(port))
                            : CheckResult.warn("smarthost.tls", "smart host TLS", host + ":" + port
                                + " does not offer STARTTLS: with tls=starttls mail (and the password) go in clear",
                                starttlsAlternatives(port)));
                    } else {
                        SmtpProbe.Reply starttls = probe.command("STARTTLS");
                        if (starttls.code() != 220) {
                            results.add(CheckResult.fail("smarthost.tls", "smart host TLS", "STARTTLS refused: '"
                                + starttls.oneLine() + "'", "The smart host offers TLS but cannot start it now; give"
                                + " the reply to your provider, or try port 465 with tls=implicit."));
                        } else {
                            try {
                                SSLSocket tls = probe.handshake(tlsFactory);
                                tlsActive = true;
                                results.add(CheckResult.ok("smarthost.tls", "smart host TLS", "STARTTLS: "
                                    + tls.getSession().getProtocol() + " " + tls.getSession().getCipherSuite()));
                                verdict = certificate(capture, host);
                                SmtpProbe.Reply again = probe.command("EHLO " + ehloName);
                                if (again.code() == 250) {
                                    extensions = SmtpProbe.extensions(again);
                                }
                            } catch (SSLException e) {
                                results.add(handshakeFailed(host, port, e, false));
                                return results;
                            }
                        }
                    }
                }
                case NONE -> {
                    boolean loopback = isLoopback(host);
                    if (SmtpProbe.offers(extensions, "STARTTLS")) {
                        results.add(CheckResult.warn("smarthost.tls", "smart host TLS", "the smart host offers STARTTLS"
                                + " but " + Settings.named("gateway.delivery.smarthost.tls") + " is none: mail"
                                + (config.getUsername() != null ? " and the password go" : " goes") + " in clear",
                            "Set " + Settings.assignment("gateway.delivery.smarthost.tls", "starttls-required") + "."));
                    } else if (loopback) {
                        results.add(CheckResult.ok("smarthost.tls", "smart host TLS", "no TLS (tls=none) to a smart host"
                            + " on this machine (" + host + ")"));
                    } else {
                        results.add(CheckResult.warn("smarthost.tls", "smart host TLS", "no TLS (tls=none): mail crosses"
                                + " the network in clear",
                            "Acceptable only for a relay inside a network you trust (a LAN relay, the Docker demo's"
                                + " Mailpit). Anything on the internet: port 587 with starttls-required or 465 with"
                                + " implicit."));
                    }
                }
            }
            if (verdict != null) {
                results.add(new CheckResult("smarthost.certificate", "smart host certificate", verdict.status(),
                    verdict.detail(), verdict.fix()));
            }
            if (!tlsActive && mode != TlsMode.NONE && config.getUsername() != null && !config.getUsername().isBlank()) {
                // the gateway would not send the password here (starttls-required) or should not (starttls
                // without TLS on offer); doctor does not send it in clear either
                results.add(CheckResult.skip("smarthost.auth", "smart host AUTH",
                    "not tried: no TLS on this connection, and the password is not sent in clear"));
            } else {
                results.add(authenticate(probe, extensions, verdict, tlsActive, host));
            }
        } catch (IOException e) {
            results.add(CheckResult.fail("smarthost.ehlo", "smart host EHLO", "the SMTP dialogue with " + host + ":"
                + port + " broke off: " + e.getMessage(), "Try again; if it repeats, give the transcript"
                + " (doctor --verbose) to your provider."));
        } finally {
            probe.quit();
            transcript.addAll(probe.transcript());
        }
        return results;
    }

    private ServerCertificate.Verdict certificate(CapturingTrust capture, String host) {
        X509TrustManager trust = SmartHostTrust.trustManager(config);
        return ServerCertificate.evaluate(capture.chain, capture.authType, trust, SmartHostTrust.source(config), host,
            clock.instant());
    }

    private CheckResult authenticate(SmtpProbe probe, List<String> extensions, ServerCertificate.Verdict verdict,
                                     boolean tlsActive, String host) throws IOException {
        String id = "smarthost.auth";
        String title = "smart host AUTH";
        String user = config.getUsername();
        Set<String> mechanisms = SmtpProbe.authMechanisms(extensions);
        if (user == null || user.isBlank()) {
            return CheckResult.skip(id, title, "no credentials configured" + (mechanisms.isEmpty() ? ""
                : " (the smart host offers AUTH " + String.join(" ", mechanisms) + "; if it refuses to relay with"
                + " 530 or 550 5.7.x, set " + Settings.named("gateway.delivery.smarthost.username") + " and "
                + Settings.named("gateway.delivery.smarthost.password") + ")"));
        }
        String password = config.getPassword();
        if (password == null || password.isEmpty()) {
            return CheckResult.fail(id, title, "a user name (" + user + ") is configured but no password",
                "Set " + Settings.named("gateway.delivery.smarthost.password") + ", preferably as the environment"
                    + " variable, not in a file.");
        }
        if (verdict != null && !verdict.trusted()) {
            return CheckResult.skip(id, title, "not tried: the certificate check failed, and the password is never"
                + " sent to a server that could not be verified");
        }
        if (mechanisms.isEmpty()) {
            return CheckResult.warn(id, title, "the smart host does not offer AUTH on this connection, so the"
                    + " gateway will send without logging in as " + user,
                tlsActive ? "If the smart host then refuses to relay, ask the provider how this machine must"
                    + " authenticate." : "Many servers offer AUTH only after STARTTLS: set "
                    + Settings.assignment("gateway.delivery.smarthost.tls", "starttls-required") + ".");
        }
        String mechanism = mechanisms.contains("LOGIN") ? "LOGIN" : mechanisms.contains("PLAIN") ? "PLAIN" : null;
        if (mechanism == null) {
            return CheckResult.warn(id, title, "the smart host offers AUTH " + String.join(" ", mechanisms)
                    + "; doctor tries only LOGIN and PLAIN, the password mechanisms the gateway uses first",
                "If delivery fails with an authentication error, ask the provider for password (LOGIN/PLAIN) access.");
        }
        SmtpProbe.Reply reply;
        if (mechanism.equals("PLAIN")) {
            String token = base64("\0" + user + "\0" + password);
            reply = probe.command("AUTH PLAIN " + token, "AUTH PLAIN ********");
        } else {
            reply = probe.command("AUTH LOGIN");
            if (reply.code() == 334) {
                reply = probe.command(base64(user), "(user name, base64)");
                if (reply.code() == 334) {
                    reply = probe.command(base64(password), "********");
                }
            }
        }
        if (reply.code() == 235) {
            if (!tlsActive && !isLoopback(host)) {
                return CheckResult.warn(id, title, "logged in as " + user + " (AUTH " + mechanism + "), but without"
                    + " TLS: the password crossed the network readable", "Set "
                    + Settings.assignment("gateway.delivery.smarthost.tls", "starttls-required") + " (or implicit on 465).");
            }
            return CheckResult.ok(id, title, "logged in as " + user + " (AUTH " + mechanism + "): '" + reply.oneLine() + "'");
        }
        if (reply.code() >= 400 && reply.code() < 500) {
            return CheckResult.warn(id, title, "temporary refusal: '" + reply.oneLine() + "'",
                "Try again later. If it persists the provider may be throttling logins from this address.");
        }
        return CheckResult.fail(id, title, "authentication as " + user + " refused: '" + reply.oneLine() + "'",
            authFix(reply.oneLine()));
    }

    private static String authFix(String reply) {
        String lower = reply.toLowerCase(Locale.ROOT);
        String general = "Check " + Settings.named("gateway.delivery.smarthost.username") + " and "
            + Settings.named("gateway.delivery.smarthost.password") + ": a typo, a changed password and a locked"
            + " account all look the same from here.";
        if (lower.contains("5.7.139") || lower.contains("smtpclientauthentication")) {
            return "Microsoft 365: authenticated SMTP is switched off for this mailbox or the whole tenant; an"
                + " administrator turns on 'Authenticated SMTP' for the mailbox. " + general;
        }
        if (lower.contains("5.7.9") || lower.contains("application-specific password")) {
            return "Gmail / Google Workspace: the account needs an app password (2-Step Verification on, then"
                + " App passwords); the normal password is refused. " + general;
        }
        return general;
    }

    private CheckResult handshakeFailed(String host, int port, SSLException e, boolean implicit) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        String fix;
        if (lower.contains("unrecognized ssl message") || lower.contains("plaintext") || lower.contains("remote host terminated")) {
            fix = implicit
                ? "Port " + port + " does not speak TLS from the first byte. For 587 (or 25) set "
                + Settings.assignment("gateway.delivery.smarthost.tls", "starttls-required") + "; implicit is for 465."
                : "The server broke off the handshake; give this message to your provider.";
        } else if (lower.contains("protocol_version") || lower.contains("no appropriate protocol")) {
            fix = "The smart host speaks only TLS 1.0 or 1.1, which are broken and disabled in Java 17. Ask the"
                + " provider for TLS 1.2; do not lower the gateway's security to match.";
        } else if (lower.contains("handshake_failure") || lower.contains("no cipher")) {
            fix = "No cipher suite in common: the smart host offers only outdated ciphers. Ask the provider.";
        } else {
            fix = "Give this message to your provider; the gateway accepts TLS 1.2 and 1.3.";
        }
        return CheckResult.fail("smarthost.tls", "smart host TLS", (implicit ? "implicit TLS" : "STARTTLS")
            + " handshake with " + host + ":" + port + " failed: " + message, fix);
    }

    private static String starttlsAlternatives(int port) {
        return "Use the provider's submission port: 587 with "
            + Settings.assignment("gateway.delivery.smarthost.tls", "starttls-required") + ", or 465 with tls=implicit."
            + (port == 25 ? " Port 25 servers may offer TLS only to other servers." : "")
            + " Only for a relay inside your own network that cannot do TLS: tls=none.";
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }

    static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Accepts every chain during the handshake and keeps it, so the certificate can be judged afterwards with
     * a precise reason. A password is sent only when that judgement says the chain is trusted.
     */
    private static final class CapturingTrust implements X509TrustManager {
        private volatile X509Certificate[] chain;
        private volatile String authType;

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            this.chain = chain.clone();
            this.authType = authType;
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
