package io.mailgateway.delivery;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.delivery.mx.MxResolver;
import io.mailgateway.mail.QueuedMail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct delivery (gateway.delivery.mode=mx, or a route {@code via: mx}): the recipients are grouped by
 * domain and each domain's group goes to that domain's MX hosts, tried in preference order until one takes
 * the transaction (RFC 5321 §5.1). A host that refuses the connection, times out or greets with 4xx/5xx is
 * skipped for the next; once a host has answered the transaction, its per-recipient replies are the result
 * (5xx: failed, 4xx: deferred), as in Postfix. Domains are independent: each has its own result.
 *
 * <p>TLS is opportunistic (Postfix's "may"): STARTTLS when offered, certificates not checked (there is no
 * name to check them against without DANE or MTA-STS), and plain text again when the handshake fails. One
 * connection per domain and mail, closed after it; MX delivery is for small volumes from a machine with a
 * good reputation, not bulk mail.
 *
 * <p>Each recipient domain is a next hop of its own for {@link DestinationSlots}: at most
 * gateway.delivery.destination-concurrency deliveries to one domain at once, so a domain whose servers are
 * slow (or tarpit) holds only its share of the delivery threads.
 */
public final class MxTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(MxTransport.class);

    private final MxResolver resolver;
    private final int port;
    private final Session tlsSession;
    private final Session plainSession;
    private final boolean opportunisticTls;
    private final DestinationSlots slots;
    private final int domainConcurrency;

    public MxTransport(MxResolver resolver, GatewayProperties.Delivery delivery, String localHostname,
                       DestinationSlots slots) {
        this.resolver = resolver;
        this.slots = slots;
        this.domainConcurrency = delivery.effectiveDestinationConcurrency();
        this.port = delivery.getMx().getPort();
        this.opportunisticTls = delivery.getMx().isOpportunisticTls();
        this.tlsSession = Session.getInstance(sessionProperties(delivery, localHostname, true));
        this.plainSession = Session.getInstance(sessionProperties(delivery, localHostname, false));
    }

    @Override
    public DeliveryReport deliver(QueuedMail mail) {
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String recipient : mail.envelope().recipients()) {
            byDomain.computeIfAbsent(domainOf(recipient), d -> new ArrayList<>()).add(recipient);
        }
        List<RecipientResult> results = new ArrayList<>();
        byDomain.forEach((domain, recipients) -> results.addAll(slots.deliver("the MX hosts of " + domain,
            domainConcurrency, recipients, () -> deliverToDomain(mail.forRecipients(recipients), domain)).results()));
        return DeliveryReport.inOrder(mail.envelope().recipients(), results);
    }

    private DeliveryReport deliverToDomain(QueuedMail mail, String domain) {
        List<String> recipients = mail.envelope().recipients();
        MxResolver.Resolution resolution = resolver.resolve(domain);
        if (resolution.permanentFailure() != null) {
            return DeliveryReport.all(recipients, RecipientResult.Status.FAILED, resolution.permanentFailure());
        }
        if (resolution.temporaryFailure() != null) {
            return DeliveryReport.all(recipients, RecipientResult.Status.DEFERRED, resolution.temporaryFailure());
        }
        List<String> errors = new ArrayList<>();
        for (MxResolver.Hop hop : resolution.hops()) {
            DeliveryReport report = tryHop(mail, hop, errors);
            if (report != null) {
                return report;
            }
        }
        return DeliveryReport.all(recipients, RecipientResult.Status.DEFERRED,
            "no MX host of " + domain + " took the mail: " + String.join("; ", errors));
    }

    /** The hop's report, or null (with the reason added to {@code errors}) to go on to the next hop. */
    private DeliveryReport tryHop(QueuedMail mail, MxResolver.Hop hop, List<String> errors) {
        SmtpConnection connection = null;
        try {
            connection = connect(hop, opportunisticTls);
        } catch (MessagingException e) {
            if (opportunisticTls && causedBy(e, SSLException.class)) {
                log.info("[delivery] {} TLS with {} failed ({}); trying without TLS", mail.id(), hop, SmtpConnection.rootMessage(e));
                try {
                    connection = connect(hop, false);
                } catch (MessagingException plain) {
                    errors.add(hop + ": " + SmtpConnection.rootMessage(plain));
                    return null;
                }
            } else {
                errors.add(hop + ": " + SmtpConnection.rootMessage(e));
                return null;
            }
        }
        try {
            DeliveryReport report = connection.send(mail);
            if (connection.brokenBeforeData() && report.with(RecipientResult.Status.DEFERRED).size() == report.results().size()) {
                errors.add(hop + ": " + report.results().get(0).reply());
                return null;
            }
            return report;
        } finally {
            connection.closeQuietly();
        }
    }

    private SmtpConnection connect(MxResolver.Hop hop, boolean tls) throws MessagingException {
        SmtpConnection connection = new SmtpConnection(tls ? tlsSession : plainSession, false, hop.toString());
        connection.connect(hop.address().getHostAddress(), port, null, null);
        return connection;
    }

    static String domainOf(String recipient) {
        int at = recipient.lastIndexOf('@');
        return (at < 0 ? "" : recipient.substring(at + 1)).toLowerCase(Locale.ROOT);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String describe() {
        return "mx (port " + port + (opportunisticTls ? ", opportunistic TLS" : ", no TLS") + ")";
    }

    private static Properties sessionProperties(GatewayProperties.Delivery delivery, String localHostname, boolean tls) {
        Properties properties = SmtpConnection.sessionProperties("mail.smtp.", delivery, localHostname);
        properties.put("mail.smtp.auth", "false");
        properties.put("mail.smtp.starttls.enable", String.valueOf(tls));
        properties.put("mail.smtp.starttls.required", "false");
        // opportunistic: encrypt against passive listeners, do not fail on a certificate nobody could check
        properties.put("mail.smtp.ssl.trust", "*");
        properties.put("mail.smtp.ssl.checkserveridentity", "false");
        return properties;
    }
}
