package io.mailgateway.smtp;

import io.mailgateway.config.GatewayHostname;
import io.mailgateway.config.GatewayProperties;
import io.mailgateway.mail.MailSpool;
import io.mailgateway.queue.OutboundQueue;
import io.mailgateway.queue.StorageGuard;
import io.mailgateway.smtp.auth.AuthFailureThrottle;
import io.mailgateway.smtp.auth.SmtpUsers;
import io.mailgateway.smtp.channel.GuardedServerSocket;
import io.mailgateway.smtp.commands.AuthCommand;
import io.mailgateway.smtp.commands.DataCommand;
import io.mailgateway.smtp.commands.EhloCommand;
import io.mailgateway.smtp.commands.GuardMarkerCommands;
import io.mailgateway.smtp.commands.ListenerProfile;
import io.mailgateway.smtp.commands.MailFromCommand;
import io.mailgateway.smtp.commands.RcptToCommand;
import io.mailgateway.smtp.commands.StartTlsCommand;
import io.mailgateway.smtp.tls.ListenerTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The three SMTP listeners (relay, submission, smtps), each on its own port and each can be disabled.
 * They open only once everything behind them (broker, routes) is running, so the first 250 is already
 * durable, and they close first at shutdown, so no session is accepted into a stopping queue.
 *
 * <p>The stop is orderly (SIGTERM, a service stop): the ports close at once, then {@link LiveSessions}
 * gives the sessions in a mail transaction {@code gateway.smtp.shutdown-grace} to finish while the broker
 * and the routes still run (they stop in later phases, only once {@link #stop()} has returned; a
 * synchronous stop is not cut short by Spring's per-phase timeout, which bounds only asynchronous ones).
 *
 * <p>subethasmtp parses the protocol; the gateway's own commands (package {@code commands}) stand in
 * front of its MAIL, RCPT, DATA, STARTTLS and replace its EHLO and AUTH, and every connection's bytes go
 * through a guard (package {@code channel}) that enforces line endings and limits subethasmtp does not.
 */
@Component
public class SmtpListeners implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SmtpListeners.class);

    private final GatewayProperties properties;
    private final OutboundQueue queue;
    private final MailSpool spool;
    private final StorageGuard storage;
    private final String hostname;
    private final RelayPolicies relayPolicies;
    private final SmtpUsers users;
    private final AuthFailureThrottle throttle;
    private final ClientGate gate;
    private final Map<String, SMTPServer> servers = new LinkedHashMap<>();
    private final Map<String, GuardedServerSocket> ports = new ConcurrentHashMap<>();
    private LiveSessions sessions;
    private ListenerTls tls;

    public SmtpListeners(GatewayProperties properties, OutboundQueue queue, MailSpool spool, StorageGuard storage,
                         GatewayHostname hostname) {
        GatewayProperties.Smtp smtp = properties.getSmtp();
        this.properties = properties;
        this.queue = queue;
        this.spool = spool;
        this.storage = storage;
        this.hostname = hostname.name();
        this.relayPolicies = new RelayPolicies(TrustedNetworks.parse(smtp.getTrustedNetworks()), smtp.getAcceptedDomains());
        this.users = SmtpUsers.load(properties.usersFile());
        this.throttle = new AuthFailureThrottle(smtp.getAuth(), Clock.systemUTC());
        this.gate = new ClientGate(smtp.getMaxConnections(), smtp.getMaxConnectionsPerClient(), throttle);
    }

    @EventListener(ApplicationReadyEvent.class)
    public void openWhenReady() {
        start();
    }

    @Override
    public synchronized void start() {
        if (!servers.isEmpty()) {
            return;
        }
        GatewayProperties.Smtp smtp = properties.getSmtp();
        sessions = new LiveSessions(gate);
        tls = ListenerTls.load(smtp.getTls(), properties.getDataDir(), hostname);
        log.info("[smtpd] TLS certificate from {}, SHA-256 fingerprint {}", tls.source(), tls.fingerprintSha256());
        if (users.isEmpty() && (smtp.getSubmission().isEnabled() || smtp.getSmtps().isEnabled())) {
            log.info("[smtpd] no SMTP users in {} yet: submission and smtps accept no one until one is added with"
                + " `java -jar mail-gateway.jar add-user NAME`", properties.usersFile());
        }
        open(ListenerProfile.relay(), smtp.getRelay());
        open(ListenerProfile.submission(), smtp.getSubmission());
        open(ListenerProfile.smtps(), smtp.getSmtps());
    }

    private void open(ListenerProfile profile, GatewayProperties.Listener listener) {
        if (!listener.isEnabled()) {
            log.info("[smtpd] {} listener disabled", profile.name());
            return;
        }
        SMTPServer server = build(profile, listener.getPort());
        server.start();
        servers.put(profile.name(), server);
        log.info("[smtpd] {} listener on {}:{}{}", profile.name(), properties.getSmtp().getBindAddress(),
            server.getPortAllocated(), profile.implicitTls() ? " (implicit TLS)" : " (STARTTLS offered)");
    }

    private SMTPServer build(ListenerProfile profile, int port) {
        GatewayProperties.Smtp smtp = properties.getSmtp();
        long maxBytes = smtp.getMaxMessageSize().toBytes();
        int maxErrors = smtp.getMaxErrors();
        InetAddress bind;
        try {
            bind = InetAddress.getByName(smtp.getBindAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("gateway.smtp.bind-address: cannot resolve '" + smtp.getBindAddress() + "'", e);
        }
        ListenerTls listenerTls = tls;
        LiveSessions live = sessions;
        SMTPServer server = SMTPServer.port(port)
            .bindAddress(bind)
            .hostName(hostname)
            .softwareName("Mail Gateway")
            .maxMessageSize((int) Math.min(Integer.MAX_VALUE, maxBytes))
            .maxRecipients(smtp.getMaxRecipients())
            .maxConnections(smtp.getMaxConnections())
            .connectionTimeoutMs((int) smtp.getIdleTimeout().toMillis())
            // our own Received header carries the queue id; subethasmtp's would come second
            .insertReceivedHeaders(false)
            .sessionHandler(live)
            .serverSocketFactory(() -> {
                GuardedServerSocket socket = new GuardedServerSocket(maxErrors,
                    profile.implicitTls() ? listenerTls::wrapServerSide : null);
                ports.put(profile.name(), socket);
                return socket;
            })
            .enableTLS(profile.offersStartTls())
            .startTlsSocketFactory(socket -> GuardedServerSocket.startTls(socket, listenerTls::wrapServerSide, maxErrors))
            .messageHandlerFactory(context ->
                new IntakeMessageHandler(context, relayPolicies, queue, spool, storage, hostname, maxBytes, Clock.systemUTC()))
            .build();

        CommandHandler commands = server.getCommandHandler();
        Command mail = commands.getCommand("MAIL");
        Command rcpt = commands.getCommand("RCPT");
        Command startTls = commands.getCommand("STARTTLS");
        commands.addCommand(new EhloCommand(profile, maxBytes));
        commands.addCommand(new StartTlsCommand(profile, startTls));
        commands.addCommand(new AuthCommand(users, throttle));
        commands.addCommand(new MailFromCommand(profile, maxBytes, users, storage, mail));
        commands.addCommand(new RcptToCommand(smtp.getMaxRecipients(), rcpt));
        commands.addCommand(new DataCommand(smtp.getDataTimeout()));
        GuardMarkerCommands.all().forEach(commands::addCommand);
        return server;
    }

    /** The relay listener's bound port (differs from the configured one when that is 0), or -1. */
    public int relayPort() {
        return port("relay");
    }

    public int submissionPort() {
        return port("submission");
    }

    public int smtpsPort() {
        return port("smtps");
    }

    /** The certificate the listeners present (tests trust it). */
    public ListenerTls tls() {
        return tls;
    }

    private synchronized int port(String name) {
        SMTPServer server = servers.get(name);
        return server == null ? -1 : server.getPortAllocated();
    }

    /**
     * Closes the ports, ends the sessions in order (see {@link LiveSessions}) and stops the listeners'
     * threads. Blocks for up to the grace period (plus {@link LiveSessions#AFTER_GRACE}), on purpose: the
     * phases after this one stop the routes and the broker that the finishing sessions still queue into.
     */
    @Override
    public void stop() {
        Map<String, SMTPServer> open;
        LiveSessions live;
        synchronized (this) {
            open = new LinkedHashMap<>(servers);
            live = sessions;
        }
        if (open.isEmpty()) {
            return;
        }
        open.keySet().forEach(name -> {
            try {
                ports.get(name).stopAccepting();
            } catch (IOException e) {
                log.warn("[smtpd] {} listener: closing its port failed: {}", name, e.toString());
            }
        });
        log.info("[smtpd] listeners closed to new connections");
        live.stop(properties.getSmtp().getShutdownGrace());
        open.forEach((name, server) -> {
            server.stop(); // closes whatever session is left and waits for the session threads
            log.info("[smtpd] {} listener closed", name);
        });
        synchronized (this) {
            servers.clear();
            ports.clear();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return !servers.isEmpty();
    }

    @Override
    public boolean isAutoStartup() {
        return false; // opened by openWhenReady, after the routes are up
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE; // stopped before anything else
    }
}
