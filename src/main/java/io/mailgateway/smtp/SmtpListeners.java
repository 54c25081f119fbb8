package io.mailgateway.smtp;

import io.mailgateway.config.GatewayHostname;
import io.mailgateway.config.GatewayProperties;
import io.mailgateway.queue.OutboundQueue;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The SMTP listeners. They open only once everything behind them (broker, routes) is running, so the first
 * 250 is already durable, and they close first at shutdown, so no session is accepted into a stopping
 * queue.
 */
@Component
public class SmtpListeners implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SmtpListeners.class);

    private final GatewayProperties properties;
    private final OutboundQueue queue;
    private final RelayPolicies relayPolicies;
    private final String hostname;
    private volatile SMTPServer relay;

    public SmtpListeners(GatewayProperties properties, OutboundQueue queue, GatewayHostname hostname) {
        this.properties = properties;
        this.queue = queue;
        this.hostname = hostname.name();
        this.relayPolicies = new RelayPolicies(TrustedNetworks.parse(properties.getSmtp().getTrustedNetworks()));
    }

    @EventListener(ApplicationReadyEvent.class)
    public void openWhenReady() {
        start();
    }

    @Override
    public synchronized void start() {
        if (relay != null) {
            return;
        }
        GatewayProperties.Smtp smtp = properties.getSmtp();
        if (smtp.getRelay().isEnabled()) {
            relay = build(smtp.getRelay().getPort());
            relay.start();
            log.info("[smtpd] relay listener on {}:{}", smtp.getBindAddress(), relay.getPortAllocated());
        }
    }

    private SMTPServer build(int port) {
        GatewayProperties.Smtp smtp = properties.getSmtp();
        long maxBytes = smtp.getMaxMessageSize().toBytes();
        InetAddress bind;
        try {
            bind = InetAddress.getByName(smtp.getBindAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("gateway.smtp.bind-address: cannot resolve '" + smtp.getBindAddress() + "'", e);
        }
        return SMTPServer.port(port)
            .bindAddress(bind)
            .hostName(hostname)
            .softwareName("Mail Gateway")
            .maxMessageSize((int) Math.min(Integer.MAX_VALUE, maxBytes))
            .maxRecipients(smtp.getMaxRecipients())
            .maxConnections(smtp.getMaxConnections())
            .connectionTimeoutMs((int) smtp.getIdleTimeout().toMillis())
            // our own Received header carries the queue id; subethasmtp's would come second
            .insertReceivedHeaders(false)
            .messageHandlerFactory(context ->
                new IntakeMessageHandler(context, relayPolicies, queue, hostname, maxBytes, Clock.systemUTC()))
            .build();
    }

    /** The relay listener's bound port (differs from the configured one when that is 0), or -1. */
    public int relayPort() {
        SMTPServer server = relay;
        return server == null ? -1 : server.getPortAllocated();
    }

    @Override
    public synchronized void stop() {
        if (relay != null) {
            relay.stop();
            log.info("[smtpd] relay listener closed");
            relay = null;
        }
    }

    @Override
    public boolean isRunning() {
        return relay != null;
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
