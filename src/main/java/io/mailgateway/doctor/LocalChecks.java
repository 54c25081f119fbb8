package io.mailgateway.doctor;

import io.mailgateway.config.BrokerConfiguration;
import io.mailgateway.config.BrokerSafetyCheck;
import io.mailgateway.config.DiskConfiguration;
import io.mailgateway.config.ExternalBrokerConfiguration;
import io.mailgateway.config.GatewayProperties;
import io.mailgateway.delivery.SmartHostTrust;
import io.mailgateway.pickup.ReportRules;
import io.mailgateway.smtp.TrustedNetworks;
import io.mailgateway.smtp.auth.SmtpUsers;
import io.mailgateway.smtp.tls.ListenerTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * What can be checked on this machine without the network and without starting anything: the settings
 * beyond their types, the files the gateway reads at start, the data folder, its disk, the broker journal
 * and the listener ports.
 */
final class LocalChecks {

    /** Below this much free space (or twice gateway.disk.min-free, if more): WARN, little room for a backlog. */
    static final long WARN_FREE_BYTES = 1024L * 1024 * 1024;
    /** Artemis' lock file of the primary broker: held (file lock) by a running broker on this data folder. */
    static final String BROKER_LOCK_FILE = "serverlock.1";

    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private LocalChecks() {
    }

    /** broker.xml as read for the checks, or null when it could not be read (already reported). */
    record Configuration(CheckResult result, FileConfiguration broker) {
    }

    /**
     * Everything the gateway checks at start besides the types: trusted networks, bind address, users file,
     * listener certificate, report rules, trust store, and the broker configuration's safety rules.
     */
    static Configuration configuration(GatewayProperties properties, Path tempDir) {
        List<String> problems = new ArrayList<>();
        GatewayProperties.Smtp smtp = properties.getSmtp();
        try {
            TrustedNetworks.parse(smtp.getTrustedNetworks());
        } catch (RuntimeException e) {
            problems.add("gateway.smtp.trusted-networks: " + e.getMessage());
        }
        try {
            InetAddress.getByName(smtp.getBindAddress());
        } catch (UnknownHostException e) {
            problems.add("gateway.smtp.bind-address: cannot resolve '" + smtp.getBindAddress() + "'");
        }
        try {
            SmtpUsers.load(properties.usersFile());
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        GatewayProperties.Tls tls = smtp.getTls();
        if (tls.getKeystore() != null || tls.getCertificate() != null || tls.getPrivateKey() != null) {
            // only configured material: with none the gateway generates a certificate, which doctor must not do
            try {
                ListenerTls.load(tls, properties.getDataDir(), "localhost");
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        try {
            new ReportRules(properties.getPickup().getRules());
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        GatewayProperties.SmartHost smartHost = properties.getDelivery().getSmarthost();
        if (smartHost.getTrustStore() != null) {
            try {
                SmartHostTrust.trustManager(smartHost);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        FileConfiguration broker = null;
        String configFile = properties.getBroker().getConfigFile();
        // with an external broker (gateway.broker.url) broker.xml is not used; the gateway checks that broker
        // over the network when it starts
        if (!properties.getBroker().isExternal()) {
            try {
                broker = BrokerConfiguration.readConfiguration(configFile);
                problems.addAll(BrokerSafetyCheck.beforeStart(broker.isPersistenceEnabled(),
                    broker.isJournalSyncTransactional(), broker.isJournalSyncNonTransactional(),
                    properties.getDataDir(), tempDir));
            } catch (Exception e) {
                problems.add("gateway.broker.config-file: cannot read '" + configFile + "': " + e.getMessage());
            }
        }

        String id = "configuration";
        String title = "configuration";
        if (!problems.isEmpty()) {
            return new Configuration(CheckResult.fail(id, title, String.join("; ", problems),
                "Correct the settings named above (application.yml, environment variables or --name=value"
                    + " arguments); the gateway refuses to start until then."), broker);
        }
        GatewayProperties.Delivery delivery = properties.getDelivery();
        String mode = switch (delivery.effectiveMode()) {
            case CAPTURE -> "capture (mail is written to " + properties.getDataDir().resolve("outbox") + ", nothing leaves"
                + " this machine)";
            case SMARTHOST -> "smarthost " + smartHost.getHost() + ":" + smartHost.getPort() + " tls="
                + smartHost.getTls().name().toLowerCase(Locale.ROOT).replace('_', '-')
                + (smartHost.getUsername() == null || smartHost.getUsername().isBlank() ? ", no AUTH"
                : ", AUTH as " + smartHost.getUsername());
            case MX -> "mx (direct to the recipients' mail servers)";
        };
        String brokerNote = properties.getBroker().isExternal()
            ? "; external broker " + ExternalBrokerConfiguration.displayUrl(properties.getBroker().getUrl()) : "";
        return new Configuration(CheckResult.ok(id, title, "valid; delivery " + mode + brokerNote), broker);
    }

    /** The route files and broker.xml are read from the working directory: a service started elsewhere has none. */
    static CheckResult installation(Environment environment, GatewayProperties properties) {
        String id = "installation";
        String title = "installation";
        Path workingDir = Path.of("").toAbsolutePath();
        String pattern = environment.getProperty("camel.main.routes-include-pattern", "file:routes/*.yaml");
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String part : pattern.split(",")) {
            String entry = part.trim();
            if (!entry.startsWith("file:")) {
                continue; // classpath: routes travel in the jar
            }
            String path = entry.substring("file:".length());
            int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
            Path folder = Path.of(slash < 0 ? "." : path.substring(0, slash));
            String glob = slash < 0 ? path : path.substring(slash + 1);
            long count = 0;
            if (Files.isDirectory(folder)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, glob)) {
                    for (Path ignored : files) {
                        count++;
                    }
                } catch (IOException | RuntimeException e) {
                    count = 0;
                }
            }
            if (count == 0) {
                missing.add(entry);
            } else {
                found.add(folder + " (" + count + " route file" + (count == 1 ? "" : "s") + ")");
            }
        }
        String brokerXml = properties.getBroker().getConfigFile();
        boolean brokerFound = Files.isRegularFile(Path.of(brokerXml))
            || new DefaultResourceLoader().getResource(brokerXml).exists();
        if (!missing.isEmpty()) {
            return CheckResult.fail(id, title, "no route files for " + String.join(", ", missing) + " in the working"
                    + " directory " + workingDir + ": the gateway would accept mail and never deliver it",
                "Start the gateway (and doctor) from the folder that holds routes/ and artemis-config/: bin/mail-gateway.cmd"
                    + " and the Windows service do; for a service, check its working directory.");
        }
        if (!brokerFound) {
            return CheckResult.fail(id, title, brokerXml + " not found in " + workingDir,
                "Start from the folder that holds artemis-config/, or set " + Settings.named("gateway.broker.config-file") + ".");
        }
        return CheckResult.ok(id, title, String.join(", ", found) + " and " + brokerXml + " in " + workingDir);
    }

    static CheckResult dataFolder(Path dataDir) {
        String id = "data-folder";
        String title = "data folder";
        Path dir = dataDir.toAbsolutePath().normalize();
        if (!Files.exists(dir)) {
            Path parent = existingAncestor(dir);
            if (parent != null && Files.isWritable(parent)) {
                return CheckResult.ok(id, title, dir + " does not exist yet; the gateway creates it at first start"
                    + " (in " + parent + ", which is writable)");
            }
            return CheckResult.fail(id, title, dir + " does not exist and cannot be created"
                + (parent == null ? "" : " (" + parent + " is not writable)"), writableFix(dir));
        }
        if (!Files.isDirectory(dir)) {
            return CheckResult.fail(id, title, dir + " is a file, not a folder",
                "Point " + Settings.named("gateway.data-dir") + " at a folder.");
        }
        Path probe = dir.resolve(".doctor-" + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap("doctor".getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            return CheckResult.ok(id, title, dir + " is writable");
        } catch (IOException | SecurityException e) {
            return CheckResult.fail(id, title, "cannot write in " + dir + ": " + e, writableFix(dir));
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // left behind: a hidden temporary file, harmless
            }
        }
    }

    private static String writableFix(Path dir) {
        return "The account that runs the gateway needs to create and change files there. Linux: chown the"
            + " folder to that user. Windows service (LOCAL SERVICE): icacls \"" + dir + "\" /grant"
            + " \"NT AUTHORITY\\LOCAL SERVICE:(OI)(CI)M\". Or choose another folder with "
            + Settings.named("gateway.data-dir") + ".";
    }

    /**
     * The disk with the least free space among those the gateway's disk guard watches
     * ({@link DiskConfiguration#mailFolders}): the journal or spool may be on another disk than the data folder.
     *
     * @param minFreeBytes gateway.disk.min-free: below it the gateway refuses new mail and health reports DOWN
     */
    static CheckResult disk(Path dataDir, long minFreeBytes) {
        String id = "disk";
        String title = "free disk";
        Path measuring = dataDir;
        try {
            Path dir = null;
            FileStore store = null;
            long usable = Long.MAX_VALUE;
            for (Path folder : DiskConfiguration.mailFolders(dataDir)) {
                measuring = existingAncestor(folder.toAbsolutePath().normalize());
                if (measuring == null) {
                    continue;
                }
                FileStore candidate = Files.getFileStore(measuring);
                long candidateUsable = candidate.getUsableSpace();
                if (store == null || candidateUsable < usable) {
                    dir = measuring;
                    store = candidate;
                    usable = candidateUsable;
                }
            }
            if (store == null) {
                return CheckResult.skip(id, title, "no existing folder to measure");
            }
            long total = store.getTotalSpace();
            double usedPercent = total == 0 ? 0 : 100.0 * (total - usable) / total;
            String detail = size(usable) + " free of " + size(total) + " (" + Math.round(usedPercent) + "% used) on "
                + store + " for " + dir;
            String fix = "Free space on that disk or move " + Settings.named("gateway.data-dir") + " to a larger one"
                + " (stop the gateway and move the whole folder: it holds queued mail).";
            String minimum = Settings.named("gateway.disk.min-free") + " (" + size(minFreeBytes) + ")";
            if (usable < minFreeBytes) {
                return CheckResult.fail(id, title, detail + ": below " + minimum + ", so new mail is refused with"
                    + " 452 4.3.1 and health reports DOWN until space returns", fix);
            }
            if (usable < Math.max(WARN_FREE_BYTES, 2 * minFreeBytes)) {
                return CheckResult.warn(id, title, detail + ": little room for a backlog (new mail is refused below "
                    + minimum + ")", fix);
            }
            return CheckResult.ok(id, title, detail);
        } catch (IOException | SecurityException e) {
            return CheckResult.warn(id, title, "cannot measure free space in " + measuring + ": " + e, null);
        }
    }

    /** What is known about a lock on the broker journal. */
    enum JournalLock { NO_JOURNAL, FREE, HELD, UNKNOWN }

    record Journal(CheckResult result, JournalLock lock) {
    }

    /**
     * The journal folders are readable and writable, and whether a broker holds the journal's lock. Must not
     * run inside the gateway: on Linux, closing any descriptor of a locked file releases the process's lock.
     *
     * @param gatewayAnswers whether a Mail Gateway answers on the configured relay port (to name the lock holder)
     */
    static Journal journal(Path dataDir, BooleanSupplier gatewayAnswers) {
        String id = "journal";
        String title = "broker journal";
        Path brokerDir = dataDir.resolve("broker").toAbsolutePath().normalize();
        if (!Files.isDirectory(brokerDir)) {
            return new Journal(CheckResult.ok(id, title, "no journal yet in " + brokerDir + "; the broker creates it at"
                + " first start"), JournalLock.NO_JOURNAL);
        }
        List<String> problems = new ArrayList<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String sub : List.of("journal", "bindings", "paging", "large-messages")) {
            Path folder = brokerDir.resolve(sub);
            if (!Files.exists(folder)) {
                continue;
            }
            if (!Files.isDirectory(folder) || !Files.isReadable(folder) || !Files.isWritable(folder)) {
                problems.add(folder + " is not a readable and writable folder");
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                long bytes = 0;
                for (Path file : files.toList()) {
                    if (Files.isRegularFile(file)) {
                        if (!Files.isReadable(file) || !Files.isWritable(file)) {
                            problems.add(file + " cannot be read and written by this account");
                        }
                        bytes += Files.size(file);
                    }
                }
                sizes.put(sub, bytes);
            } catch (IOException | SecurityException e) {
                problems.add("cannot list " + folder + ": " + e);
            }
        }
        int journalFiles = countJournalFiles(brokerDir.resolve("journal"));
        JournalLock lock = lockState(brokerDir.resolve(BROKER_LOCK_FILE));
        String contents = "journal " + journalFiles + " file(s), " + size(sizes.getOrDefault("journal", 0L))
            + "; paging " + size(sizes.getOrDefault("paging", 0L)) + "; large messages "
            + size(sizes.getOrDefault("large-messages", 0L));
        if (!problems.isEmpty()) {
            return new Journal(CheckResult.fail(id, title, String.join("; ", problems),
                "The broker cannot start on files it cannot read and write. Give the gateway's account full rights on "
                    + brokerDir + " (see the data folder check), and never edit or copy single files in it."), lock);
        }
        return switch (lock) {
            case HELD -> gatewayAnswers.getAsBoolean()
                ? new Journal(CheckResult.ok(id, title, brokerDir + " is in use by the running gateway (its relay"
                    + " listener answers); " + contents), lock)
                : new Journal(CheckResult.warn(id, title, brokerDir + " is locked by another process, and no Mail"
                    + " Gateway answers on the configured relay port; " + contents,
                    "Two gateways cannot share a data folder: the second waits for the lock and never starts. Stop"
                        + " the other one (a second service or console window?), or give each its own "
                        + Settings.named("gateway.data-dir") + ". If the gateway is just starting, run doctor again."), lock);
            case UNKNOWN -> new Journal(CheckResult.warn(id, title, "cannot tell whether " + brokerDir
                + " is in use; " + contents, null), lock);
            default -> new Journal(CheckResult.ok(id, title, brokerDir + " is readable and writable and not in use; "
                + contents), lock);
        };
    }

    /** Artemis' journal data files end in {@code .amq}. */
    private static int countJournalFiles(Path journalDir) {
        if (!Files.isDirectory(journalDir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(journalDir)) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(".amq")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Tries the broker's own lock; releases it at once if it was free. */
    static JournalLock lockState(Path lockFile) {
        if (!Files.exists(lockFile)) {
            return JournalLock.FREE;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return JournalLock.HELD;
            }
            lock.release();
            return JournalLock.FREE;
        } catch (OverlappingFileLockException e) {
            return JournalLock.HELD;
        } catch (IOException e) {
            // Windows answers a region locked by another process with an IOException on some paths
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            return message.contains("lock") || message.contains("used by another process")
                ? JournalLock.HELD : JournalLock.UNKNOWN;
        }
    }

    /**
     * The listener ports can be bound (else the gateway cannot start), unless the gateway already runs and
     * holds them.
     */
    static CheckResult listeners(GatewayProperties properties, Environment environment, boolean gatewayRunning) {
        String id = "listeners";
        String title = "listener ports";
        Map<String, String> endpoints = new LinkedHashMap<>();
        GatewayProperties.Smtp smtp = properties.getSmtp();
        if (smtp.getRelay().isEnabled()) {
            endpoints.put("relay (gateway.smtp.relay.port)", smtp.getBindAddress() + ":" + smtp.getRelay().getPort());
        }
        if (smtp.getSubmission().isEnabled()) {
            endpoints.put("submission (gateway.smtp.submission.port)", smtp.getBindAddress() + ":" + smtp.getSubmission().getPort());
        }
        if (smtp.getSmtps().isEnabled()) {
            endpoints.put("smtps (gateway.smtp.smtps.port)", smtp.getBindAddress() + ":" + smtp.getSmtps().getPort());
        }
        GatewayProperties.Jms jms = properties.getJms();
        if (jms.isEnabled() && !properties.getBroker().isExternal()) { // external broker: no acceptor of ours
            endpoints.put("JMS (gateway.jms.port)", jms.getBindAddress() + ":" + jms.getPort());
        }
        String httpAddress = environment.getProperty("server.address", "0.0.0.0");
        String httpPort = environment.getProperty("server.port", "8080");
        if (!"-1".equals(httpPort)) {
            endpoints.put("HTTP (server.port)", httpAddress + ":" + httpPort);
        }
        List<String> free = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        List<String> denied = new ArrayList<>();
        for (Map.Entry<String, String> endpoint : endpoints.entrySet()) {
            String value = endpoint.getValue();
            int colon = value.lastIndexOf(':');
            String address = value.substring(0, colon);
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port == 0) {
                free.add(endpoint.getKey() + " any free port");
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                // elsewhere this only ignores connections in TIME_WAIT; on Windows it would let the bind succeed
                // on a port another program listens on, so it is left off there
                socket.setReuseAddress(!WINDOWS);
                socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
                free.add(endpoint.getKey() + " " + value);
            } catch (BindException e) {
                String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                if (message.contains("permission") || message.contains("access")) {
                    denied.add(endpoint.getKey() + " " + value);
                } else {
                    taken.add(endpoint.getKey() + " " + value);
                }
            } catch (IOException e) {
                taken.add(endpoint.getKey() + " " + value + " (" + e.getMessage() + ")");
            }
        }
        if (!denied.isEmpty()) {
            return CheckResult.fail(id, title, "not allowed to listen on " + String.join(", ", denied),
                "On Linux only root may listen below port 1024: keep the default ports (2525, 2587, 2465), or grant"
                    + " the right to Java (setcap cap_net_bind_service=+ep on the java binary) or redirect with the firewall.");
        }
        if (!taken.isEmpty() && !gatewayRunning) {
            return CheckResult.fail(id, title, "already in use by another program: " + String.join(", ", taken),
                "Stop that program or choose another port in the setting named above. To see which program holds a"
                    + " port: Windows: netstat -ano | findstr :PORT, then tasklist /fi \"PID eq <pid>\"; Linux: ss -ltnp.");
        }
        if (!taken.isEmpty()) {
            return CheckResult.ok(id, title, "in use by the running gateway: " + String.join(", ", taken)
                + (free.isEmpty() ? "" : "; free: " + String.join(", ", free)));
        }
        return CheckResult.ok(id, title, "free: " + String.join(", ", free));
    }

    /** Whether a Mail Gateway (by its greeting) answers on the configured relay listener. */
    static boolean gatewayAnswers(GatewayProperties properties) {
        GatewayProperties.Listener relay = properties.getSmtp().getRelay();
        if (!relay.isEnabled() || relay.getPort() == 0) {
            return false;
        }
        String host = clientAddress(properties.getSmtp().getBindAddress());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, relay.getPort()), 2000);
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[512];
            int n = in.read(buffer);
            boolean ours = n > 0 && new String(buffer, 0, n, StandardCharsets.US_ASCII).contains("Mail Gateway");
            OutputStream out = socket.getOutputStream();
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return ours;
        } catch (IOException e) {
            return false;
        }
    }

    /** Where a local client reaches a listener bound to {@code bindAddress}: a wildcard is reached on loopback. */
    static String clientAddress(String bindAddress) {
        String address = bindAddress == null ? "" : bindAddress.trim();
        return address.isEmpty() || address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]")
            ? "127.0.0.1" : address;
    }

    static Path existingAncestor(Path path) {
        Path current = path;
        while (current != null && !Files.exists(current)) {
            current = current.getParent();
        }
        return current;
    }

    static String size(long bytes) {
        if (bytes >= 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (1024.0 * 1024 * 1024));
        }
        if (bytes >= 1024L * 1024) {
            return String.format(Locale.ROOT, "%.0f MB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
    }
}
