package io.mailgateway.smtp;

import io.mailgateway.mail.HeaderSection;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueueIds;
import io.mailgateway.mail.QueuedMail;
import io.mailgateway.queue.EnqueueException;
import io.mailgateway.queue.OutboundQueue;
import io.mailgateway.smtp.RecipientPolicy.Decision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.mailgateway.smtp.channel.CommandChannelGuard;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;

/**
 * One mail transaction (MAIL, RCPT..., DATA) of one SMTP session. It keeps the envelope exactly as given,
 * applies the relay policy per recipient, and answers 250 to DATA only after the mail is persisted in the
 * broker; any failure to persist is a 451 and nothing is queued.
 */
final class IntakeMessageHandler implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(IntakeMessageHandler.class);

    /** RFC 5322 §3.3 date-time with a numeric zone ("GMT" is obsolete syntax). */
    private static final DateTimeFormatter RFC_5322_DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private final MessageContext context;
    private final RelayPolicies relayPolicies;
    private final OutboundQueue queue;
    private final String hostname;
    private final long maxMessageBytes;
    private final Clock clock;

    private String sender;
    private final List<String> recipients = new ArrayList<>();

    IntakeMessageHandler(MessageContext context, RelayPolicies relayPolicies, OutboundQueue queue,
                         String hostname, long maxMessageBytes, Clock clock) {
        this.context = context;
        this.relayPolicies = relayPolicies;
        this.queue = queue;
        this.hostname = hostname;
        this.maxMessageBytes = maxMessageBytes;
        this.clock = clock;
    }

    @Override
    public void from(String from) throws RejectException {
        if (from == null || from.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw rejected(SmtpReply.BAD_SENDER_SYNTAX, "MAIL FROM");
        }
        this.sender = from;
    }

    @Override
    public void recipient(String recipient) throws RejectException {
        if (recipient == null || recipient.isBlank() || recipient.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw rejected(SmtpReply.BAD_RECIPIENT_SYNTAX, "RCPT TO");
        }
        Decision decision = relayPolicies.decide(
            new RecipientPolicy.SessionFacts(clientAddress(), authenticatedUser()), recipient);
        if (decision.kind() == Decision.Kind.REJECT) {
            throw rejected(decision.reply(), "RCPT TO:<" + recipient + ">");
        }
        recipients.add(recipient);
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        StrictLineEndingInputStream checked = new StrictLineEndingInputStream(data);
        ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        long size = 0;
        boolean tooBig = false;
        int n;
        // Read to the real end of DATA whatever happens, so that nothing of a refused message is
        // afterwards read as SMTP commands.
        try {
            while ((n = checked.read(buffer)) >= 0) {
                size += n;
                if (size > maxMessageBytes) {
                    tooBig = true;
                } else {
                    body.write(buffer, 0, n);
                }
            }
        } catch (CommandChannelGuard.DataDeadlineException e) {
            log.info("[smtpd] DATA not finished within the data timeout, closing client={}", clientAddress().getHostAddress());
            throw new DropConnectionException(421, "4.4.2 DATA took too long; closing connection");
        }
        if (tooBig) {
            throw rejected(SmtpReply.MESSAGE_TOO_BIG, "DATA of " + size + " bytes");
        }
        if (checked.sawBareLineEnding()) {
            throw rejected(SmtpReply.BARE_LINE_ENDING, "DATA");
        }
        if (checked.sawNul()) {
            throw rejected(SmtpReply.NUL_IN_MESSAGE, "DATA");
        }

        String id = QueueIds.next();
        Instant now = clock.instant();
        byte[] content = HeaderSection.prepend(body.toByteArray(), addedHeaders(id, now, body.toByteArray()));
        QueuedMail mail = QueuedMail.received(id, new MailEnvelope(sender == null ? "" : sender, recipients),
            content, new QueuedMail.Trace("smtp", now, clientAddress().getHostAddress(), authenticatedUser()));
        try {
            queue.enqueue(mail);
        } catch (EnqueueException e) {
            log.warn("[smtpd] {} not queued, answered 451: {} client={}", id, e.getMessage(), clientAddress().getHostAddress());
            throw SmtpReply.QUEUE_UNAVAILABLE.reject();
        }
        log.info("[smtpd] {} queued from=<{}> recipients={} size={} client={}",
            id, mail.envelope().sender(), recipients.size(), content.length, clientAddress().getHostAddress());
        return "2.0.0 Ok: queued as " + id;
    }

    @Override
    public void done() {
        // nothing held: the mail is either in the broker or was refused
    }

    /**
     * Received on top (RFC 5321 §4.4); Date and Message-ID only when the client left them out (RFC 5322
     * §3.6 requires Date, and Message-ID keeps retries and duplicates recognisable).
     */
    private String addedHeaders(String id, Instant now, byte[] original) {
        String date = RFC_5322_DATE.format(ZonedDateTime.ofInstant(now, ZoneId.systemDefault()));
        StringBuilder fields = new StringBuilder();
        String helo = context.getHelo().map(IntakeMessageHandler::printable).orElse("unknown");
        fields.append("Received: from ").append(helo)
            .append(" ([").append(clientAddress().getHostAddress()).append("])\r\n")
            .append("\tby ").append(hostname).append(" (Mail Gateway) with ").append(protocol()).append(" id ").append(id);
        if (recipients.size() == 1) {
            // naming the recipient only when there is one, so that Bcc recipients stay private
            fields.append("\r\n\tfor <").append(printable(recipients.get(0))).append(">");
        }
        fields.append("; ").append(date).append("\r\n");
        if (!HeaderSection.has(original, "Date")) {
            fields.append("Date: ").append(date).append("\r\n");
        }
        if (!HeaderSection.has(original, "Message-ID")) {
            fields.append("Message-ID: <").append(id.toLowerCase(Locale.ROOT)).append('@').append(hostname).append(">\r\n");
        }
        return fields.toString();
    }

    /** RFC 3848: ESMTP, plus S for TLS and A for AUTH. */
    private String protocol() {
        boolean tls = context instanceof org.subethamail.smtp.server.Session session && session.isTLSStarted();
        return "ESMTP" + (tls ? "S" : "") + (authenticatedUser() != null ? "A" : "");
    }

    private RejectException rejected(SmtpReply reply, String what) {
        log.info("[smtpd] rejected {}: {} client={}", what, reply, clientAddress().getHostAddress());
        return reply.reject();
    }

    private InetAddress clientAddress() {
        return ((InetSocketAddress) context.getRemoteAddress()).getAddress();
    }

    private String authenticatedUser() {
        return context.getAuthenticationHandler().map(h -> h.getIdentity().toString()).orElse(null);
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
