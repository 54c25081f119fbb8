package io.mailgateway.config;

import io.mailgateway.console.access.ConsoleRequestGuard;
import io.mailgateway.delivery.dkim.DkimSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code gateway.*} setting, typed and validated at start: a bad value stops the gateway with a
 * message naming the key. Each setting is also an environment variable by Spring's relaxed binding
 * ({@code gateway.smtp.relay.port} is {@code GATEWAY_SMTP_RELAY_PORT}). The defaults and their reasons are
 * commented in {@code application.yml}; the names are a contract (shared/DESIGN.md), rename none.
 */
@Validated
@ConfigurationProperties("gateway")
public class GatewayProperties {

    /** Journal, outbox, pickup folder and generated keys live here. */
    @NotNull
    private Path dataDir = Path.of("data");

    /** The SMTP users file (AUTH), default {@code ${data-dir}/users.properties}. */
    public Path usersFile() {
        return smtp.getUsersFile() != null ? smtp.getUsersFile() : dataDir.resolve("users.properties");
    }

    /** Name used in EHLO, Received and generated Message-IDs; empty means this machine's host name. */
    private String hostname = "";

    @Valid
    private final Smtp smtp = new Smtp();

    @Valid
    private final Delivery delivery = new Delivery();

    @Valid
    private final Broker broker = new Broker();

    @Valid
    private final Pickup pickup = new Pickup();

    @Valid
    private final Jms jms = new Jms();

    @Valid
    private final Console console = new Console();

    @Valid
    private final Doctor doctor = new Doctor();

    @Valid
    private final Disk disk = new Disk();

    public Path getDataDir() { return dataDir; }
    public void setDataDir(Path dataDir) { this.dataDir = dataDir; }
    public String getHostname() { return hostname; }
    public void setHostname(String hostname) { this.hostname = hostname; }
    public Smtp getSmtp() { return smtp; }
    public Delivery getDelivery() { return delivery; }
    public Broker getBroker() { return broker; }
    public Pickup getPickup() { return pickup; }
    public Jms getJms() { return jms; }
    public Console getConsole() { return console; }
    public Doctor getDoctor() { return doctor; }
    public Disk getDisk() { return disk; }

    /**
     * A mail accepted when free space is just above the minimum still has to be spooled and then written to
     * the broker: the minimum must hold at least those two copies of the largest mail the listeners accept.
     */
    @AssertTrue(message = "gateway.disk.min-free must be at least twice gateway.smtp.max-message-size (a mail accepted"
        + " just above the minimum is written twice, to the spool and to the broker)")
    public boolean isMinFreeRoomyEnough() {
        DataSize minFree = disk.getMinFree();
        DataSize maxMessage = smtp.getMaxMessageSize();
        return minFree == null || maxMessage == null || minFree.toBytes() >= 2 * maxMessage.toBytes();
    }

    /** The pickup folders: {@code gateway.pickup.dir} (default {@code ${data-dir}/pickup}) and any more-dirs. */
    public List<Path> pickupDirs() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(pickup.getDir() != null ? pickup.getDir() : dataDir.resolve("pickup"));
        dirs.addAll(pickup.getMoreDirs());
        return dirs;
    }

    public static class Smtp {
        @NotBlank
        private String bindAddress = "127.0.0.1";
        @Valid
        private final Listener relay = new Listener(2525);
        @Valid
        private final Listener submission = new Listener(2587);
        @Valid
        private final Listener smtps = new Listener(2465);
        /** CIDR blocks whose clients may relay without AUTH (checked by {@code TrustedNetworks}). */
        @NotNull
        private List<String> trustedNetworks = new ArrayList<>(List.of("127.0.0.0/8", "::1"));
        private Path usersFile;
        @NotNull
        private DataSize maxMessageSize = DataSize.ofMegabytes(25);
        @Min(1) @Max(10_000)
        private int maxRecipients = 100;
        @Min(1) @Max(100_000)
        private int maxConnections = 200;
        /** One client address cannot take all connections (a few hundred idle sockets from one host). */
        @Min(1) @Max(100_000)
        private int maxConnectionsPerClient = 20;
        /** RFC 5321 §4.5.3.2 asks servers to wait at least 5 minutes for the next command. */
        @NotNull
        private Duration idleTimeout = Duration.ofMinutes(5);
        /** The whole DATA phase must end within this, however slowly the bytes trickle in. */
        @NotNull
        private Duration dataTimeout = Duration.ofMinutes(10);
        /**
         * At a stop, how long sessions in a mail transaction may take to finish it before they get 421. The
         * stop timeout of the service manager (docker stop_grace_period, WinSW stoptimeout, systemd
         * TimeoutStopSec) must be longer.
         */
        @NotNull
        private Duration shutdownGrace = Duration.ofSeconds(20);
        /** Refused or unknown commands in one session before 421 and disconnect (Postfix: smtpd_hard_error_limit). */
        @Min(1) @Max(1000)
        private int maxErrors = 10;
        /**
         * Domains anyone may send to without AUTH or a trusted address (mail for this site, e.g. when the
         * gateway is an inbound hop). Empty by default: nobody untrusted can send anywhere.
         */
        @NotNull
        private List<String> acceptedDomains = new ArrayList<>();
        @Valid
        private final Tls tls = new Tls();
        @Valid
        private final Auth auth = new Auth();

        public String getBindAddress() { return bindAddress; }
        public void setBindAddress(String bindAddress) { this.bindAddress = bindAddress; }
        public Listener getRelay() { return relay; }
        public Listener getSubmission() { return submission; }
        public Listener getSmtps() { return smtps; }
        public List<String> getTrustedNetworks() { return trustedNetworks; }
        public void setTrustedNetworks(List<String> trustedNetworks) { this.trustedNetworks = trustedNetworks; }
        public Path getUsersFile() { return usersFile; }
        public void setUsersFile(Path usersFile) { this.usersFile = usersFile; }
        public DataSize getMaxMessageSize() { return maxMessageSize; }
        public void setMaxMessageSize(DataSize maxMessageSize) { this.maxMessageSize = maxMessageSize; }
        public int getMaxRecipients() { return maxRecipients; }
        public void setMaxRecipients(int maxRecipients) { this.maxRecipients = maxRecipients; }
        public int getMaxConnections() { return maxConnections; }
        public void setMaxConnections(int maxConnections) { this.maxConnections = maxConnections; }
        public Duration getIdleTimeout() { return idleTimeout; }
        public void setIdleTimeout(Duration idleTimeout) { this.idleTimeout = idleTimeout; }
        public int getMaxConnectionsPerClient() { return maxConnectionsPerClient; }
        public void setMaxConnectionsPerClient(int maxConnectionsPerClient) { this.maxConnectionsPerClient = maxConnectionsPerClient; }
        public Duration getDataTimeout() { return dataTimeout; }
        public void setDataTimeout(Duration dataTimeout) { this.dataTimeout = dataTimeout; }
        public int getMaxErrors() { return maxErrors; }
        public void setMaxErrors(int maxErrors) { this.maxErrors = maxErrors; }
        public List<String> getAcceptedDomains() { return acceptedDomains; }
        public void setAcceptedDomains(List<String> acceptedDomains) { this.acceptedDomains = acceptedDomains; }
        public Duration getShutdownGrace() { return shutdownGrace; }
        public void setShutdownGrace(Duration shutdownGrace) { this.shutdownGrace = shutdownGrace; }
        public Tls getTls() { return tls; }
        public Auth getAuth() { return auth; }

        @AssertTrue(message = "gateway.smtp.shutdown-grace must be between 0s and 10m")
        public boolean isShutdownGraceInRange() {
            return shutdownGrace == null || (!shutdownGrace.isNegative() && shutdownGrace.compareTo(Duration.ofMinutes(10)) <= 0);
        }
    }

    /**
     * The listeners' certificate: a PEM pair ({@code certificate} + {@code private-key}) or a PKCS#12
     * {@code keystore}. With neither, a self-signed certificate is generated at first start under
     * {@code ${data-dir}/tls/} and its fingerprint logged.
     */
    public static class Tls {
        /** PEM certificate chain, leaf first. */
        private Path certificate;
        /** PEM private key (PKCS#8 "PRIVATE KEY", or "RSA PRIVATE KEY" / "EC PRIVATE KEY"), unencrypted. */
        private Path privateKey;
        /** PKCS#12 keystore holding one key entry; used instead of the PEM pair when set. */
        private Path keystore;
        private String keystorePassword;

        @AssertTrue(message = "gateway.smtp.tls: set both certificate and private-key, or keystore, or none of them")
        public boolean isComplete() {
            return (certificate == null) == (privateKey == null);
        }

        public Path getCertificate() { return certificate; }
        public void setCertificate(Path certificate) { this.certificate = certificate; }
        public Path getPrivateKey() { return privateKey; }
        public void setPrivateKey(Path privateKey) { this.privateKey = privateKey; }
        public Path getKeystore() { return keystore; }
        public void setKeystore(Path keystore) { this.keystore = keystore; }
        public String getKeystorePassword() { return keystorePassword; }
        public void setKeystorePassword(String keystorePassword) { this.keystorePassword = keystorePassword; }
    }

    /** AUTH brute-force protection per client address. */
    public static class Auth {
        /** Failed AUTH attempts from one address within failure-window before 421 and a block. */
        @Min(1) @Max(1000)
        private int maxFailures = 5;
        @NotNull
        private Duration failureWindow = Duration.ofMinutes(10);
        /** How long a blocked address is refused (421 4.7.0 at connect). */
        @NotNull
        private Duration blockDuration = Duration.ofMinutes(15);

        public int getMaxFailures() { return maxFailures; }
        public void setMaxFailures(int maxFailures) { this.maxFailures = maxFailures; }
        public Duration getFailureWindow() { return failureWindow; }
        public void setFailureWindow(Duration failureWindow) { this.failureWindow = failureWindow; }
        public Duration getBlockDuration() { return blockDuration; }
        public void setBlockDuration(Duration blockDuration) { this.blockDuration = blockDuration; }
    }

    public static class Listener {
        private boolean enabled = true;
        /** 0 picks a free port (tests); the bound port is logged. */
        @Min(0) @Max(65535)
        private int port;

        public Listener(int port) { this.port = port; }
        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
    }

    public enum DeliveryMode { CAPTURE, SMARTHOST, MX }

    public enum TlsMode { NONE, STARTTLS, STARTTLS_REQUIRED, IMPLICIT }

    public static class Delivery {
        /**
         * Where recipients go that no route in {@code routes} matches. Empty: {@code smarthost} when a smart
         * host is set, otherwise {@code capture}.
         */
        private DeliveryMode mode;
        @Valid
        private final SmartHost smarthost = new SmartHost();
        /** More smart hosts by name, for routes ({@code via: smarthost:NAME}) and failover. */
        @Valid
        private Map<String, SmartHost> smarthosts = new LinkedHashMap<>();
        /** Per-domain next hops, like Postfix's transport_maps. */
        @Valid
        private List<DomainRoute> routes = new ArrayList<>();
        @Valid
        private final Mx mx = new Mx();
        @Valid
        private final Retry retry = new Retry();
        @Valid
        private final Bounces bounces = new Bounces();
        /** DKIM keys per sender domain; mail whose From is in one of the domains is signed at delivery. */
        @Valid
        @NotNull
        private List<DkimSettings> dkim = new ArrayList<>();
        /**
         * Parallel deliveries in total, like Postfix's default_process_limit (100 there: a process per
         * delivery costs more than a thread here). Each is one consumer thread of mail.outbound.
         */
        @Min(1) @Max(64)
        private int concurrency = 20;
        /**
         * Deliveries to one next hop at once (a smart host, or a recipient domain in MX delivery), like
         * Postfix's default_destination_concurrency_limit: a slow next hop holds at most this many of the
         * {@code concurrency} threads. Null: half of {@code concurrency}, rounded up.
         */
        private Integer destinationConcurrency;
        @NotNull
        private Duration connectTimeout = Duration.ofSeconds(30);
        /** Per reply; RFC 5321 §4.5.3.2 allows the server up to 10 minutes after the final dot. */
        @NotNull
        private Duration readTimeout = Duration.ofMinutes(5);

        /** The per-next-hop limit in force: the configured one, else half of {@code concurrency}, rounded up. */
        public int effectiveDestinationConcurrency() {
            return destinationConcurrency != null ? destinationConcurrency : (concurrency + 1) / 2;
        }

        @AssertTrue(message = "gateway.delivery.destination-concurrency must be between 1 and gateway.delivery.concurrency"
            + " (a next hop cannot have more deliveries at once than there are delivery threads)")
        public boolean isDestinationConcurrencyWithinConcurrency() {
            return destinationConcurrency == null || destinationConcurrency >= 1 && destinationConcurrency <= concurrency;
        }

        @AssertTrue(message = "gateway.delivery.smarthost.max-connections and gateway.delivery.smarthosts.NAME.max-connections"
            + " must be between 1 and gateway.delivery.concurrency")
        public boolean isSmartHostMaxConnectionsWithinConcurrency() {
            List<SmartHost> all = new ArrayList<>(smarthosts.values());
            all.add(smarthost);
            return all.stream().map(SmartHost::getMaxConnections)
                .allMatch(limit -> limit == null || limit >= 1 && limit <= concurrency);
        }

        /** At most this many deliveries to the smart host at once: its max-connections, else destination-concurrency. */
        public int concurrencyFor(SmartHost host) {
            return host.getMaxConnections() != null ? host.getMaxConnections() : effectiveDestinationConcurrency();
        }

        /** The mode in force: the explicit one, else decided by whether a smart host is configured. */
        public DeliveryMode effectiveMode() {
            if (mode != null) {
                return mode;
            }
            return smarthost.isConfigured() ? DeliveryMode.SMARTHOST : DeliveryMode.CAPTURE;
        }

        @AssertTrue(message = "gateway.delivery.smarthost.host must be set when gateway.delivery.mode=smarthost")
        public boolean isSmartHostSetWhenRequired() {
            return mode != DeliveryMode.SMARTHOST || smarthost.isConfigured();
        }

        /**
         * What is wrong with the smart host names routes and failovers refer to, one message per problem naming
         * the key; checked at start by DeliveryConfiguration (a bean-validation message could not name the key).
         */
        public List<String> unknownSmartHostReferences() {
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < routes.size(); i++) {
                DomainRoute route = routes.get(i);
                String name = route.smartHostName();
                if (name != null && !name.isEmpty() && !smarthosts.containsKey(name)) {
                    problems.add("gateway.delivery.routes[" + i + "].via: no smart host named '" + name
                        + "' in gateway.delivery.smarthosts");
                }
                if (route.smartHostName() != null && name.isEmpty() && !smarthost.isConfigured()) {
                    problems.add("gateway.delivery.routes[" + i + "].via: smarthost, but gateway.delivery.smarthost.host is not set");
                }
            }
            checkFailover("gateway.delivery.smarthost", null, smarthost, problems);
            smarthosts.forEach((name, host) -> {
                if (!host.isConfigured()) {
                    problems.add("gateway.delivery.smarthosts." + name + ".host must be set");
                }
                checkFailover("gateway.delivery.smarthosts." + name, name, host, problems);
            });
            return problems;
        }

        private void checkFailover(String key, String name, SmartHost host, List<String> problems) {
            String failover = host.getFailover();
            if (failover == null || failover.isBlank()) {
                return;
            }
            if (!smarthosts.containsKey(failover)) {
                problems.add(key + ".failover: no smart host named '" + failover + "' in gateway.delivery.smarthosts");
            } else if (failover.equals(name)) {
                problems.add(key + ".failover: a smart host cannot fail over to itself");
            }
        }

        @AssertTrue(message = "gateway.delivery.bounces.delay-warning-after must be shorter than gateway.delivery.retry.max-lifetime"
            + " (mail that old is dead-lettered, so the warning would never be sent)")
        public boolean isDelayWarningBeforeLifetimeEnds() {
            Duration warnAfter = bounces.getDelayWarningAfter();
            return warnAfter == null || retry.getMaxLifetime() == null || warnAfter.compareTo(retry.getMaxLifetime()) < 0;
        }

        public DeliveryMode getMode() { return mode; }
        public void setMode(DeliveryMode mode) { this.mode = mode; }
        public SmartHost getSmarthost() { return smarthost; }
        public Map<String, SmartHost> getSmarthosts() { return smarthosts; }
        public void setSmarthosts(Map<String, SmartHost> smarthosts) { this.smarthosts = smarthosts; }
        public List<DomainRoute> getRoutes() { return routes; }
        public void setRoutes(List<DomainRoute> routes) { this.routes = routes; }
        public Mx getMx() { return mx; }
        public Retry getRetry() { return retry; }
        public Bounces getBounces() { return bounces; }
        public List<DkimSettings> getDkim() { return dkim; }
        public void setDkim(List<DkimSettings> dkim) { this.dkim = dkim; }
        public int getConcurrency() { return concurrency; }
        public void setConcurrency(int concurrency) { this.concurrency = concurrency; }
        public Integer getDestinationConcurrency() { return destinationConcurrency; }
        public void setDestinationConcurrency(Integer destinationConcurrency) { this.destinationConcurrency = destinationConcurrency; }
        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
        public Duration getReadTimeout() { return readTimeout; }
        public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }
    }

    /**
     * One per-domain route: recipients in {@code domains} go {@code via} a particular next hop. A domain is
     * {@code example.com} (that domain only) or {@code *.example.com} (its subdomains only).
     */
    public static class DomainRoute {
        @NotEmpty
        private List<@jakarta.validation.constraints.Pattern(regexp = "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?",
            message = "a domain like example.com or *.example.com") String> domains = new ArrayList<>();
        /** {@code smarthost} (the main one), {@code smarthost:NAME}, {@code mx} or {@code capture}. */
        @NotBlank
        @jakarta.validation.constraints.Pattern(regexp = "smarthost(:[A-Za-z0-9_-]+)?|mx|capture",
            message = "via must be smarthost, smarthost:NAME, mx or capture")
        private String via;

        /** "" for the main smart host, the name for smarthost:NAME, null when the route is not a smart host. */
        public String smartHostName() {
            if (via == null || !via.startsWith("smarthost")) {
                return null;
            }
            return via.equals("smarthost") ? "" : via.substring("smarthost:".length());
        }

        public List<String> getDomains() { return domains; }
        public void setDomains(List<String> domains) { this.domains = domains; }
        public String getVia() { return via; }
        public void setVia(String via) { this.via = via; }
    }

    /**
     * OAuth2 for a smart host that no longer takes passwords (Microsoft 365, Gmail): the gateway gets an access
     * token from the token endpoint, keeps it until shortly before it expires, and logs in with AUTH XOAUTH2.
     * Client credentials (Microsoft 365: client-id, client-secret, scope) or, when refresh-token is set, the
     * refresh-token grant (Google).
     */
    public static class OAuth2 {
        /** e.g. https://login.microsoftonline.com/TENANT/oauth2/v2.0/token or https://oauth2.googleapis.com/token */
        private java.net.URI tokenEndpoint;
        private String clientId;
        /** Only from configuration or the environment; never logged. */
        private String clientSecret;
        /** Microsoft 365: https://outlook.office365.com/.default; Google: none (the refresh token carries it). */
        private String scope;
        /** Only from configuration or the environment; never logged. Set: refresh-token grant. */
        private String refreshToken;
        @NotNull
        private Duration timeout = Duration.ofSeconds(30);

        public boolean isConfigured() {
            return tokenEndpoint != null;
        }

        @AssertTrue(message = "oauth2.token-endpoint must be https (http only to a loopback address), and client-id must be set")
        public boolean isEndpointSafe() {
            if (tokenEndpoint == null) {
                return true;
            }
            String host = tokenEndpoint.getHost();
            boolean loopback = host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
            return clientId != null && !clientId.isBlank()
                && ("https".equalsIgnoreCase(tokenEndpoint.getScheme()) || "http".equalsIgnoreCase(tokenEndpoint.getScheme()) && loopback);
        }

        public java.net.URI getTokenEndpoint() { return tokenEndpoint; }
        public void setTokenEndpoint(java.net.URI tokenEndpoint) { this.tokenEndpoint = tokenEndpoint; }
        public String getClientId() { return clientId; }
        public void setClientId(String clientId) { this.clientId = clientId; }
        public String getClientSecret() { return clientSecret; }
        public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
        public String getScope() { return scope; }
        public void setScope(String scope) { this.scope = scope; }
        public String getRefreshToken() { return refreshToken; }
        public void setRefreshToken(String refreshToken) { this.refreshToken = refreshToken; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
    }

    /** Direct delivery to the recipients' MX servers (RFC 5321 §5.1). */
    public static class Mx {
        /**
         * DNS servers to ask, {@code host} or {@code host:port}; empty = the system's resolvers. Point it at an
         * internal resolver for split-horizon DNS.
         */
        @NotNull
        private List<String> dnsServers = new ArrayList<>();
        /** A DNS query that takes longer is a temporary failure (the mail is deferred). */
        @NotNull
        private Duration dnsTimeout = Duration.ofSeconds(10);
        /** The port MX servers listen on; 25 everywhere on the internet (tests use another). */
        @Min(1) @Max(65535)
        private int port = 25;
        /** STARTTLS when the server offers it, without certificate checks (Postfix's "may"); {@code false}: never. */
        private boolean opportunisticTls = true;

        public List<String> getDnsServers() { return dnsServers; }
        public void setDnsServers(List<String> dnsServers) { this.dnsServers = dnsServers; }
        public Duration getDnsTimeout() { return dnsTimeout; }
        public void setDnsTimeout(Duration dnsTimeout) { this.dnsTimeout = dnsTimeout; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public boolean isOpportunisticTls() { return opportunisticTls; }
        public void setOpportunisticTls(boolean opportunisticTls) { this.opportunisticTls = opportunisticTls; }
    }

    /**
     * How much one smart host may be sent, as providers limit it (Microsoft 365: 30 messages a minute and
     * 10,000 recipients a day). Mail beyond a limit waits in the queue, deferred with the reason; it is never
     * refused. Counted in this gateway's memory since its start.
     */
    public static class RateLimit {
        /** At most this many messages per {@code per}; 0 = no limit. */
        @Min(0)
        private int messages;
        @NotNull
        private Duration per = Duration.ofMinutes(1);
        /** At most this many recipients per {@code recipients-per}; 0 = no limit. */
        @Min(0)
        private int recipients;
        @NotNull
        private Duration recipientsPer = Duration.ofDays(1);

        @AssertTrue(message = "rate-limit.per and rate-limit.recipients-per must be positive")
        public boolean isPeriodPositive() {
            return per != null && recipientsPer != null && !per.isNegative() && !per.isZero()
                && !recipientsPer.isNegative() && !recipientsPer.isZero();
        }

        public int getMessages() { return messages; }
        public void setMessages(int messages) { this.messages = messages; }
        public Duration getPer() { return per; }
        public void setPer(Duration per) { this.per = per; }
        public int getRecipients() { return recipients; }
        public void setRecipients(int recipients) { this.recipients = recipients; }
        public Duration getRecipientsPer() { return recipientsPer; }
        public void setRecipientsPer(Duration recipientsPer) { this.recipientsPer = recipientsPer; }
    }

    public static class SmartHost {
        private String host;
        @Min(1) @Max(65535)
        private int port = 587;
        @NotNull
        private TlsMode tls = TlsMode.STARTTLS_REQUIRED;
        private String username;
        /** Only from configuration or the environment; never logged. */
        private String password;
        /** PKCS#12 or JKS trust store for a private CA; empty means the JVM's default trust store. */
        private Path trustStore;
        private String trustStorePassword;
        /** Close a pooled connection that has been idle this long instead of reusing it. */
        @NotNull
        private Duration maxIdle = Duration.ofSeconds(30);
        /**
         * At most this many connections to this smart host at once, in use or idle in the pool (Microsoft 365
         * allows 3 per mailbox and answers 432 4.3.2 beyond). Null: gateway.delivery.destination-concurrency.
         */
        private Integer maxConnections;
        /**
         * A smart host in {@code gateway.delivery.smarthosts} to use when this one refuses connections, cannot
         * be reached or answers 4xx (421 busy, 451...).
         */
        private String failover;
        @Valid
        private final RateLimit rateLimit = new RateLimit();
        /** AUTH XOAUTH2 with a token from an OAuth2 token endpoint, instead of the password. */
        @Valid
        private final OAuth2 oauth2 = new OAuth2();

        @AssertTrue(message = "oauth2 needs the mailbox as username (the XOAUTH2 user)")
        public boolean isOAuth2UserSet() {
            return !oauth2.isConfigured() || (username != null && !username.isBlank());
        }

        public OAuth2 getOauth2() { return oauth2; }

        public boolean isConfigured() {
            return host != null && !host.isBlank();
        }

        public String getFailover() { return failover; }
        public void setFailover(String failover) { this.failover = failover; }
        public RateLimit getRateLimit() { return rateLimit; }

        public String getHost() { return host; }
        public void setHost(String host) { this.host = host; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public TlsMode getTls() { return tls; }
        public void setTls(TlsMode tls) { this.tls = tls; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public Path getTrustStore() { return trustStore; }
        public void setTrustStore(Path trustStore) { this.trustStore = trustStore; }
        public String getTrustStorePassword() { return trustStorePassword; }
        public void setTrustStorePassword(String trustStorePassword) { this.trustStorePassword = trustStorePassword; }
        public Duration getMaxIdle() { return maxIdle; }
        public void setMaxIdle(Duration maxIdle) { this.maxIdle = maxIdle; }
        public Integer getMaxConnections() { return maxConnections; }
        public void setMaxConnections(Integer maxConnections) { this.maxConnections = maxConnections; }
    }

    public static class Retry {
        @NotNull
        private Duration initialDelay = Duration.ofMinutes(5);
        @NotNull
        private Duration maxDelay = Duration.ofHours(1);
        @NotNull
        private Duration maxLifetime = Duration.ofDays(5);

        @AssertTrue(message = "gateway.delivery.retry.initial-delay must be positive and not above max-delay")
        public boolean isOrdered() {
            return initialDelay != null && maxDelay != null
                && !initialDelay.isNegative() && !initialDelay.isZero() && initialDelay.compareTo(maxDelay) <= 0;
        }

        public Duration getInitialDelay() { return initialDelay; }
        public void setInitialDelay(Duration initialDelay) { this.initialDelay = initialDelay; }
        public Duration getMaxDelay() { return maxDelay; }
        public void setMaxDelay(Duration maxDelay) { this.maxDelay = maxDelay; }
        public Duration getMaxLifetime() { return maxLifetime; }
        public void setMaxLifetime(Duration maxLifetime) { this.maxLifetime = maxLifetime; }
    }

    /**
     * Delivery status notifications (RFC 3464) to the envelope sender: "failed" when mail is dead-lettered,
     * optionally one "delayed" when a deferral first crosses {@code delay-warning-after}. Never for the null
     * sender {@code <>} or for a notification itself, so a notification can never cause another one.
     */
    public static class Bounces {
        private boolean enabled = true;
        /**
         * Also an envelope recipient of every failure notification (not of delay warnings): the same bytes,
         * so the postmaster sees what the sender saw. Empty: nobody.
         */
        @jakarta.validation.constraints.Pattern(regexp = "|[^\\s<>@\"(),;:]+@[A-Za-z0-9.-]+",
            message = "gateway.delivery.bounces.postmaster must be a plain address like postmaster@example.com")
        private String postmaster;
        /** Send one "delayed" notification when mail is still deferred this long after intake. Empty: never. */
        private Duration delayWarningAfter;

        @AssertTrue(message = "gateway.delivery.bounces.delay-warning-after must be positive when set")
        public boolean isDelayWarningPositive() {
            return delayWarningAfter == null || (!delayWarningAfter.isNegative() && !delayWarningAfter.isZero());
        }

        /** The postmaster address, or null when none is configured (empty counts as none). */
        public String postmasterOrNull() {
            return postmaster == null || postmaster.isBlank() ? null : postmaster.trim();
        }

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getPostmaster() { return postmaster; }
        public void setPostmaster(String postmaster) { this.postmaster = postmaster; }
        public Duration getDelayWarningAfter() { return delayWarningAfter; }
        public void setDelayWarningAfter(Duration delayWarningAfter) { this.delayWarningAfter = delayWarningAfter; }
    }

    public static class Broker {
        /** broker.xml of the embedded broker; see artemis-config/broker.xml for what each block is for. */
        @NotBlank
        private String configFile = "artemis-config/broker.xml";
        /**
         * Set: an external Artemis broker (core URL, e.g. {@code tcp://a:61616}, or a failover list
         * {@code (tcp://a:61616,tcp://b:61616)?ha=true&reconnectAttempts=-1}; TLS with {@code sslEnabled=true}
         * and {@code trustStorePath}) instead of the embedded one, which is then not started.
         */
        private String url;
        /** The external broker's user; never needed for the embedded broker. */
        private String username;
        /** Never logged. */
        private String password;
        /** How long an intake waits for the broker before answering 451; keeps SMTP clients from hanging. */
        @NotNull
        private Duration sendTimeout = Duration.ofSeconds(15);

        /** True when {@code url} is set: the gateway uses that broker and starts none of its own. */
        public boolean isExternal() {
            return url != null && !url.isBlank();
        }

        @AssertTrue(message = "gateway.broker.url must be an Artemis core URL: tcp://host:port[?params] or a failover"
            + " list (tcp://a:61616,tcp://b:61616)?ha=true&reconnectAttempts=-1 (vm:// and other schemes are not accepted)")
        public boolean isUrlValid() {
            if (!isExternal()) {
                return true;
            }
            String u = url.strip();
            if (u.startsWith("(")) {
                int close = u.indexOf(')');
                if (close < 0) {
                    return false;
                }
                for (String part : u.substring(1, close).split(",")) {
                    if (!part.strip().matches("tcp://[^\\s/?]+:\\d+(\\?.*)?")) {
                        return false;
                    }
                }
                return true;
            }
            return u.matches("tcp://[^\\s/?(),]+:\\d+(\\?.*)?");
        }

        /** Both the external broker's user and password are set (the validation below allows only both or neither). */
        public boolean credentialsConfigured() {
            return username != null && !username.isBlank() && password != null && !password.isEmpty();
        }

        @AssertTrue(message = "gateway.broker.username and gateway.broker.password: set both or neither")
        public boolean isCredentialsPaired() {
            return (username == null || username.isBlank()) == (password == null || password.isEmpty());
        }

        @AssertTrue(message = "gateway.broker.username / .password are only used with gateway.broker.url (an external"
            + " broker); the embedded broker needs none")
        public boolean isCredentialsOnlyExternal() {
            return isExternal() || ((username == null || username.isBlank()) && (password == null || password.isEmpty()));
        }

        public String getConfigFile() { return configFile; }
        public void setConfigFile(String configFile) { this.configFile = configFile; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public Duration getSendTimeout() { return sendTimeout; }
        public void setSendTimeout(Duration sendTimeout) { this.sendTimeout = sendTimeout; }
    }

    public enum AfterSuccess { MOVE, DELETE }

    /**
     * The watched folders legacy tools drop files into (IIS pickup-directory style): {@code .eml} files, XML
     * envelopes, and report files mailed by rules.
     */
    public static class Pickup {
        private boolean enabled = true;
        /** Empty: {@code ${data-dir}/pickup}. */
        private Path dir;
        /** Further folders, each with its own processed/ and failed/. */
        @NotNull
        private List<Path> moreDirs = new ArrayList<>();
        /** How often the folders are scanned. */
        @NotNull
        private Duration pollInterval = Duration.ofSeconds(2);
        /** A file is taken only once its size and modification time have not changed for this long. */
        @NotNull
        private Duration stableTime = Duration.ofSeconds(2);
        /** After the mail is queued: move the file to processed/DATE/ (default) or delete it. */
        @NotNull
        private AfterSuccess afterSuccess = AfterSuccess.MOVE;
        /** Larger files go to failed/ unread. */
        @NotNull
        private DataSize maxFileSize = DataSize.ofMegabytes(50);
        @Min(1) @Max(10_000)
        private int maxRecipients = 100;
        @Valid
        @NotNull
        private List<ReportRule> rules = new ArrayList<>();

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Path getDir() { return dir; }
        public void setDir(Path dir) { this.dir = dir; }
        public List<Path> getMoreDirs() { return moreDirs; }
        public void setMoreDirs(List<Path> moreDirs) { this.moreDirs = moreDirs; }
        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
        public Duration getStableTime() { return stableTime; }
        public void setStableTime(Duration stableTime) { this.stableTime = stableTime; }
        public AfterSuccess getAfterSuccess() { return afterSuccess; }
        public void setAfterSuccess(AfterSuccess afterSuccess) { this.afterSuccess = afterSuccess; }
        public DataSize getMaxFileSize() { return maxFileSize; }
        public void setMaxFileSize(DataSize maxFileSize) { this.maxFileSize = maxFileSize; }
        public int getMaxRecipients() { return maxRecipients; }
        public void setMaxRecipients(int maxRecipients) { this.maxRecipients = maxRecipients; }
        public List<ReportRule> getRules() { return rules; }
        public void setRules(List<ReportRule> rules) { this.rules = rules; }
    }

    /**
     * Mails every file that lands in {@code folder} (relative to a pickup folder; empty = the folder itself)
     * and matches {@code glob} to fixed recipients, with the file attached. Templates may use
     * {@code {file}} (the file name), {@code {date}} (yyyy-MM-dd) and {@code {time}} (HH:mm).
     */
    public static class ReportRule {
        private String folder = "";
        @NotBlank
        private String glob = "*";
        @NotEmpty
        private List<String> to = new ArrayList<>();
        @NotNull
        private List<String> cc = new ArrayList<>();
        @NotBlank
        private String from;
        @NotNull
        private String subject = "{file}";
        @NotNull
        private String body = "Please find {file} attached.";

        public String getFolder() { return folder; }
        public void setFolder(String folder) { this.folder = folder; }
        public String getGlob() { return glob; }
        public void setGlob(String glob) { this.glob = glob; }
        public List<String> getTo() { return to; }
        public void setTo(List<String> to) { this.to = to; }
        public List<String> getCc() { return cc; }
        public void setCc(List<String> cc) { this.cc = cc; }
        public String getFrom() { return from; }
        public void setFrom(String from) { this.from = from; }
        public String getSubject() { return subject; }
        public void setSubject(String subject) { this.subject = subject; }
        public String getBody() { return body; }
        public void setBody(String body) { this.body = body; }
    }

    /**
     * JMS intake: applications publish mail to {@code queue} over the broker's network acceptor (CORE,
     * AMQP 1.0, STOMP). The acceptor admits only {@code username}/{@code password}, and that user may only
     * send to the intake queue; with no credentials configured it admits no one.
     */
    public static class Jms {
        private boolean enabled = true;
        @NotBlank
        @jakarta.validation.constraints.Pattern(regexp = "[A-Za-z0-9._-]+", message = "gateway.jms.queue: letters, digits, '.', '_' and '-' only")
        private String queue = "mail.submit";
        @NotBlank
        private String bindAddress = "127.0.0.1";
        @Min(0) @Max(65535)
        private int port = 61616;
        private String username;
        /** Only from configuration or the environment; never logged. */
        private String password;
        /** Larger intake messages go to the invalid queue with the reason. */
        @NotNull
        private DataSize maxMessageSize = DataSize.ofMegabytes(25);
        @Min(1) @Max(10_000)
        private int maxRecipients = 100;
        /** Intake messages handled in parallel; their commits share journal syncs. */
        @Min(1) @Max(64)
        private int concurrency = 4;

        public int getConcurrency() { return concurrency; }
        public void setConcurrency(int concurrency) { this.concurrency = concurrency; }

        public boolean credentialsConfigured() {
            return username != null && !username.isBlank() && password != null && !password.isEmpty();
        }

        /** Where intake messages that can never be mail go, with the reason. */
        public String invalidQueue() {
            return queue + ".invalid";
        }

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getQueue() { return queue; }
        public void setQueue(String queue) { this.queue = queue; }
        public String getBindAddress() { return bindAddress; }
        public void setBindAddress(String bindAddress) { this.bindAddress = bindAddress; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public DataSize getMaxMessageSize() { return maxMessageSize; }
        public void setMaxMessageSize(DataSize maxMessageSize) { this.maxMessageSize = maxMessageSize; }
        public int getMaxRecipients() { return maxRecipients; }
        public void setMaxRecipients(int maxRecipients) { this.maxRecipients = maxRecipients; }
    }

    /** The operators' console (Hawtio and its Jolokia endpoint) and who may log in to it. */
    public static class Console {
        @NotBlank
        @jakarta.validation.constraints.Pattern(regexp = "[A-Za-z0-9._@-]{1,64}", message = "gateway.console.username: 1 to 64 letters, digits, '.', '_', '@' or '-'")
        private String username = "admin";
        /**
         * Only from configuration or the environment; never logged. Empty: a password is generated at the
         * first start, printed once, and only its hash is kept in {@code ${data-dir}/console/password.hash}.
         */
        private String password;
        /**
         * Origins (scheme://host:port) besides the console's own that may call Jolokia from a browser, e.g.
         * a reverse proxy's public address. Requests without an Origin header (curl, scripts) are not affected.
         */
        @NotNull
        private List<String> allowedOrigins = new ArrayList<>();
        /** Failed logins from one address (console form or HTTP Basic) before it is refused for a while. */
        @Valid
        private final Auth login = new Auth();

        public boolean passwordConfigured() {
            return password != null && !password.isEmpty();
        }

        /** An entry the request guard cannot read as an origin would never match: refused at start instead. */
        @AssertTrue(message = "gateway.console.allowed-origins: each entry must be an origin, scheme://host[:port]"
            + " without a path, e.g. https://mail-admin.example.com")
        public boolean isAllowedOriginsValid() {
            return allowedOrigins == null
                || allowedOrigins.stream().allMatch(origin -> origin != null && ConsoleRequestGuard.normalise(origin) != null);
        }

        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public List<String> getAllowedOrigins() { return allowedOrigins; }
        public void setAllowedOrigins(List<String> allowedOrigins) { this.allowedOrigins = allowedOrigins; }
        public Auth getLogin() { return login; }
    }

    /** The short {@code doctor} run logged after start (data folder, disk, smart host path). */
    public static class Doctor {
        /** Runs in the background once the gateway is up; never delays or fails the start. */
        private boolean atStart = true;

        public boolean isAtStart() { return atStart; }
        public void setAtStart(boolean atStart) { this.atStart = atStart; }
    }

    /**
     * Free space on the file system of the data folder (journal, large messages, spool), like Postfix's
     * queue_minfree: below {@code min-free} new mail is refused with 452 4.3.1 and the pickup and JMS intakes
     * pause, until space returns. Delivery goes on (it frees space).
     */
    public static class Disk {
        @NotNull
        private DataSize minFree = DataSize.ofMegabytes(500);

        @AssertTrue(message = "gateway.disk.min-free must be positive (e.g. 500MB)")
        public boolean isMinFreePositive() {
            return minFree == null || minFree.toBytes() > 0;
        }

        public DataSize getMinFree() { return minFree; }
        public void setMinFree(DataSize minFree) { this.minFree = minFree; }
    }
}
