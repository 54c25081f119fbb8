package io.mailgateway.delivery;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.config.GatewayProperties.TlsMode;
import io.mailgateway.mail.QueuedMail;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers everything to one smart host (the ISP's relay, Microsoft 365, Gmail, a Mailpit).
 *
 * <p>At most {@code max-connections} deliveries to it at once (else gateway.delivery.destination-concurrency),
 * counted by {@link DestinationSlots}: a slow smart host holds only its share of the delivery threads.
 * Connections are kept open between messages in a pool shared by the delivery threads (like Postfix's
 * connection cache) instead of a connect, EHLO, STARTTLS and AUTH per message. A connection is used only
 * while its delivery holds a slot, so the smart host never sees more connections than the limit, idle ones
 * included (Microsoft 365 refuses a fourth with 432 4.3.2). A connection idle longer than {@code max-idle}
 * is closed rather than trusted, relays drop idle clients: when the pool is next used, and by
 * {@link #closeIdle()}, which the delivery configuration calls every few seconds so that a quiet gateway
 * holds no connections. One mail {@link Session} is built at start and shared.
 */
public final class SmartHostTransport implements Transport, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmartHostTransport.class);
    /** A connection used this recently is assumed alive; older ones get a NOOP first. */
    private static final Duration TRUST_WITHOUT_NOOP = Duration.ofSeconds(2);

    private final String name;
    private final GatewayProperties.SmartHost config;
    private final SendRateLimit rateLimit;
    private final OAuth2Tokens oauth2;
    private final Session session;
    private final boolean implicitTls;
    private final String peer;
    private final Clock clock;
    private final DestinationSlots slots;
    private final String destination;
    private final int maxConnections;
    /** Idle connections, most recently used first. Guarded by itself. */
    private final Deque<Pooled> idle = new ArrayDeque<>();
    private final Set<SmtpConnection> open = ConcurrentHashMap.newKeySet();

    private record Pooled(SmtpConnection connection, Instant lastUsed) {
    }

    /**
     * @param name the smart host's name in gateway.delivery.smarthosts, or "" for gateway.delivery.smarthost
     */
    public SmartHostTransport(String name, GatewayProperties.SmartHost config, GatewayProperties.Delivery delivery,
                              String localHostname, Clock clock, DestinationSlots slots) {
        this.name = name;
        this.config = config;
        this.rateLimit = new SendRateLimit(config.getRateLimit());
        this.oauth2 = config.getOauth2().isConfigured() ? new OAuth2Tokens(config.getOauth2(), clock) : null;
        this.implicitTls = config.getTls() == TlsMode.IMPLICIT;
        this.peer = config.getHost() + ":" + config.getPort();
        this.clock = clock;
        this.slots = slots;
        this.destination = name.isEmpty() ? "smart host " + peer : "smart host '" + name + "'";
        this.maxConnections = delivery.concurrencyFor(config);
        this.session = Session.getInstance(sessionProperties(config, delivery, localHostname));
    }

    @Override
    public DeliveryReport deliver(QueuedMail mail) {
        // the slot first: mail that waits for a connection must not use up the rate limit
        return slots.deliver(destination, maxConnections, mail.envelope().recipients(), () -> deliverWithinRateLimit(mail));
    }

    private DeliveryReport deliverWithinRateLimit(QueuedMail mail) {
        if (!rateLimit.limited()) {
            return deliverNow(mail);
        }
        List<String> recipients = mail.envelope().recipients();
        SendRateLimit.Admission admission = rateLimit.admit(recipients.size(), clock.instant());
        int admitted = admission.recipients();
        if (admitted == recipients.size()) {
            return deliverNow(mail);
        }
        List<RecipientResult> results = new ArrayList<>();
        if (admitted > 0) {
            results.addAll(deliverNow(mail.forRecipients(recipients.subList(0, admitted))).results());
        }
        for (String recipient : recipients.subList(admitted, recipients.size())) {
            results.add(RecipientResult.postponed(recipient, admission.reason() + " (" + peer + ")", admission.notBefore()));
        }
        return new DeliveryReport(results);
    }

    private DeliveryReport deliverNow(QueuedMail mail) {
        Attempt attempt = deliverOnce(mail, false);
        if (attempt.reused() && attempt.brokenBeforeData()) {
            // a pooled connection the relay had dropped meanwhile: that says nothing about the mail, and no
            // data went out, so one more try on a fresh connection cannot duplicate it
            attempt = deliverOnce(mail, true);
        }
        return attempt.report();
    }

    private record Attempt(DeliveryReport report, boolean reused, boolean brokenBeforeData) {
    }

    private Attempt deliverOnce(QueuedMail mail, boolean fresh) {
        Pooled pooled = fresh ? null : reusable();
        SmtpConnection connection;
        if (pooled != null) {
            connection = pooled.connection();
        } else {
            try {
                connection = connect();
            } catch (AuthenticationFailedException e) {
                return new Attempt(DeliveryReport.all(mail.envelope().recipients(), RecipientResult.Status.DEFERRED,
                    "authentication to " + peer + " failed: " + SmtpConnection.rootMessage(e)), false, false);
            } catch (IOException e) {
                // the OAuth2 token endpoint failed: nothing was sent, the mail waits for the next attempt
                return new Attempt(DeliveryReport.all(mail.envelope().recipients(), RecipientResult.Status.DEFERRED,
                    e.getMessage()), false, false);
            } catch (MessagingException e) {
                return new Attempt(DeliveryReport.all(mail.envelope().recipients(), RecipientResult.Status.DEFERRED,
                    "cannot connect to " + peer + ": " + SmtpConnection.rootMessage(e)), false, false);
            }
        }
        boolean returned = false;
        try {
            DeliveryReport report = connection.send(mail);
            if (connection.reusable()) {
                giveBack(connection);
                returned = true;
            }
            return new Attempt(report, pooled != null, connection.brokenBeforeData());
        } finally {
            if (!returned) {
                discard(connection);
            }
        }
    }

    /** The most recently used idle connection that can still be trusted, or null; stale ones are closed. */
    private Pooled reusable() {
        while (true) {
            Pooled pooled;
            synchronized (idle) {
                pooled = idle.pollFirst();
            }
            if (pooled == null) {
                return null;
            }
            Duration idleFor = Duration.between(pooled.lastUsed(), clock.instant());
            if (idleFor.compareTo(config.getMaxIdle()) < 0
                    && (idleFor.compareTo(TRUST_WITHOUT_NOOP) < 0 || pooled.connection().isConnected())) {
                return pooled;
            }
            discard(pooled.connection());
        }
    }

    private void giveBack(SmtpConnection connection) {
        synchronized (idle) {
            idle.addFirst(new Pooled(connection, clock.instant()));
        }
        closeIdle();
    }

    /** Closes the pooled connections idle for max-idle or longer (the least recently used are at the end). */
    public void closeIdle() {
        List<SmtpConnection> stale = new ArrayList<>();
        Instant now = clock.instant();
        synchronized (idle) {
            while (!idle.isEmpty() && Duration.between(idle.peekLast().lastUsed(), now).compareTo(config.getMaxIdle()) >= 0) {
                stale.add(idle.pollLast().connection());
            }
        }
        for (SmtpConnection connection : stale) {
            log.debug("[delivery] closing idle connection to {}", peer);
            discard(connection);
        }
    }

    private SmtpConnection connect() throws MessagingException, IOException {
        SmtpConnection connection = new SmtpConnection(session, implicitTls, peer);
        boolean auth = authenticates(config);
        // with OAuth2 the "password" Jakarta Mail's XOAUTH2 sends is the access token
        String secret = oauth2 != null ? oauth2.token() : config.getPassword();
        connection.connect(config.getHost(), config.getPort(), auth ? config.getUsername() : null, auth ? secret : null);
        open.add(connection);
        log.debug("[delivery] connected to {}", peer);
        return connection;
    }

    private void discard(SmtpConnection connection) {
        open.remove(connection);
        connection.closeQuietly();
    }

    @Override
    public String describe() {
        return "smarthost " + (name.isEmpty() ? "" : name + " ") + peer + " "
            + config.getTls().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Closes every connection (QUIT) at shutdown. */
    @Override
    public void close() {
        synchronized (idle) {
            idle.clear();
        }
        open.forEach(this::discard);
    }

    private static boolean authenticates(GatewayProperties.SmartHost config) {
        return config.getUsername() != null && !config.getUsername().isBlank();
    }

    private static Properties sessionProperties(GatewayProperties.SmartHost config,
                                                GatewayProperties.Delivery delivery, String localHostname) {
        String p = config.getTls() == TlsMode.IMPLICIT ? "mail.smtps." : "mail.smtp.";
        Properties properties = SmtpConnection.sessionProperties(p, delivery, localHostname);
        properties.put(p + "auth", String.valueOf(authenticates(config)));
        if (config.getOauth2().isConfigured()) {
            properties.put(p + "auth.mechanisms", "XOAUTH2");
            // Jakarta Mail leaves XOAUTH2 off unless asked: it needs a token where a password would go
            properties.put(p + "auth.xoauth2.disable", "false");
        }
        properties.put(p + "starttls.enable",
            String.valueOf(config.getTls() == TlsMode.STARTTLS || config.getTls() == TlsMode.STARTTLS_REQUIRED));
        properties.put(p + "starttls.required", String.valueOf(config.getTls() == TlsMode.STARTTLS_REQUIRED));
        properties.put(p + "ssl.checkserveridentity", "true");
        if (config.getTrustStore() != null) {
            properties.put(p + "ssl.socketFactory", SmartHostTrust.trustStoreContext(config).getSocketFactory());
        }
        return properties;
    }
}
