package io.mailgateway.config;

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
import java.util.List;
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
    private final Doctor doctor = new Doctor();

    public Path getDataDir() { return dataDir; }
    public void setDataDir(Path dataDir) { this.dataDir = dataDir; }
    public String getHostname() { return hostname; }
    public void setHostname(String hostname) { this.hostname = hostname; }
    public Smtp getSmtp() { return smtp; }
    public Delivery getDelivery() { return delivery; }
    public Broker getBroker() { return broker; }
    public Pickup getPickup() { return pickup; }
    public Jms getJms() { return jms; }
    public Doctor getDoctor() { return doctor; }

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
        public Tls getTls() { return tls; }
        public Auth getAuth() { return auth; }
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
        /** Empty: {@code smarthost} when a smart host is set, otherwise {@code capture}. */
        private DeliveryMode mode;
        @Valid
        private final SmartHost smarthost = new SmartHost();
        @Valid
        private final Retry retry = new Retry();
        /** Parallel deliveries; each keeps its own connection to the next hop open between messages. */
        @Min(1) @Max(64)
        private int concurrency = 4;
        @NotNull
        private Duration connectTimeout = Duration.ofSeconds(30);
        /** Per reply; RFC 5321 §4.5.3.2 allows the server up to 10 minutes after the final dot. */
        @NotNull
        private Duration readTimeout = Duration.ofMinutes(5);

        /** The mode in force: the explicit one, else decided by whether a smart host is configured. */
        public DeliveryMode effectiveMode() {
            if (mode != null) {
                return mode;
            }
            return smarthost.getHost() == null || smarthost.getHost().isBlank()
                ? DeliveryMode.CAPTURE : DeliveryMode.SMARTHOST;
        }

        @AssertTrue(message = "gateway.delivery.smarthost.host must be set when gateway.delivery.mode=smarthost")
        public boolean isSmartHostSetWhenRequired() {
            return mode != DeliveryMode.SMARTHOST || (smarthost.getHost() != null && !smarthost.getHost().isBlank());
        }

        @AssertTrue(message = "gateway.delivery.mode=mx is not implemented yet (issue 7); use capture or smarthost")
        public boolean isModeImplemented() {
            return mode != DeliveryMode.MX;
        }

        public DeliveryMode getMode() { return mode; }
        public void setMode(DeliveryMode mode) { this.mode = mode; }
        public SmartHost getSmarthost() { return smarthost; }
        public Retry getRetry() { return retry; }
        public int getConcurrency() { return concurrency; }
        public void setConcurrency(int concurrency) { this.concurrency = concurrency; }
        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
        public Duration getReadTimeout() { return readTimeout; }
        public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }
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

    public static class Broker {
        /** broker.xml of the embedded broker; see artemis-config/broker.xml for what each block is for. */
        @NotBlank
        private String configFile = "artemis-config/broker.xml";
        /** Set: use that broker instead of the embedded one (scale-out, issue 10). */
        private String url;
        private String username;
        private String password;
        /** How long an intake waits for the broker before answering 451; keeps SMTP clients from hanging. */
        @NotNull
        private Duration sendTimeout = Duration.ofSeconds(15);

        @AssertTrue(message = "gateway.broker.url (an external broker) is not supported yet (issue 10); leave it unset")
        public boolean isEmbedded() {
            return url == null || url.isBlank();
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

    /** The short {@code doctor} run logged after start (data folder, disk, smart host path). */
    public static class Doctor {
        /** Runs in the background once the gateway is up; never delays or fails the start. */
        private boolean atStart = true;

        public boolean isAtStart() { return atStart; }
        public void setAtStart(boolean atStart) { this.atStart = atStart; }
    }
}
