package io.mailgateway.smtp;

import io.mailgateway.mail.IntakeStamp;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.MailSpool;
import io.mailgateway.mail.QueueIds;
import io.mailgateway.mail.QueuedMail;
import io.mailgateway.queue.EnqueueException;
import io.mailgateway.queue.OutboundQueue;
import io.mailgateway.queue.StorageGuard;
import io.mailgateway.smtp.RecipientPolicy.Decision;
import io.mailgateway.smtp.channel.CommandChannelGuard;
import io.mailgateway.smtp.commands.SmtpReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;

/**
 * One mail transaction (MAIL, RCPT..., DATA) of one SMTP session. It keeps the envelope exactly as given,
 * applies the relay policy per recipient, and answers 250 to DATA only after the mail is persisted in the
 * broker; any failure to persist is a 451 and nothing is queued, and free disk that fell below the minimum
 * while DATA was sent is a 452 4.3.1 (nothing queued either). DATA goes to the spool (memory for a small
 * mail, a spool file for a large one) and from there, streamed, into the broker: a large mail is never
 * whole in the heap.
 */
final class IntakeMessageHandler implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(IntakeMessageHandler.class);

    private final MessageContext context;
    private final RelayPolicies relayPolicies;
    private final OutboundQueue queue;
    private final MailSpool spool;
    private final StorageGuard storage;
    private final IntakeStamp stamp;
    private final long maxMessageBytes;
    private final Clock clock;

    private String sender;
    private final List<String> recipients = new ArrayList<>();

    IntakeMessageHandler(MessageContext context, RelayPolicies relayPolicies, OutboundQueue queue, MailSpool spool,
                         StorageGuard storage, String hostname, long maxMessageBytes, Clock clock) {
        this.context = context;
        this.relayPolicies = relayPolicies;
        this.queue = queue;
        this.spool = spool;
        this.storage = storage;
        this.stamp = new IntakeStamp(hostname);
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
        MailSpool.Output body = spool.output();
        try {
            return spoolAndQueue(data, body);
        } finally {
            body.discard(); // a refused or failed message leaves no spool file
        }
    }

    private String spoolAndQueue(InputStream data, MailSpool.Output body) throws RejectException, IOException {
        StrictLineEndingInputStream checked = new StrictLineEndingInputStream(data);
        byte[] buffer = new byte[8192];
        long size = 0;
        boolean tooBig = false;
        IOException spoolFailure = null;
        int n;
        // Read to the real end of DATA whatever happens, so that nothing of a refused message is
        // afterwards read as SMTP commands.
        try {
            while ((n = checked.read(buffer)) >= 0) {
                size += n;
                if (size > maxMessageBytes) {
                    tooBig = true;
                } else if (spoolFailure == null) {
                    try {
                        body.write(buffer, 0, n);
                    } catch (IOException e) {
                        spoolFailure = e; // a full disk: go on reading to the end of DATA, then 451
                    }
                }
            }
        } catch (CommandChannelGuard.DataDeadlineException e) {
            log.info("[smtpd] DATA not finished within the data timeout, closing client={}", clientAddress().getHostAddress());
            throw SmtpReply.DATA_TIMEOUT.dropConnection();
        } catch (CommandChannelGuard.StoppedDuringDataException e) {
            // the stop already wrote this 421 and closed the socket; nothing is queued, the client retries
            log.info("[smtpd] DATA cut by the stop after its grace period, not queued client={}", clientAddress().getHostAddress());
            throw SmtpReply.SHUTTING_DOWN.dropConnection();
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
        if (!storage.intakeAllowed()) {
            // MAIL was accepted while there was room; the disk filled while the client sent DATA
            throw rejected(SmtpReply.INSUFFICIENT_STORAGE, "DATA of " + size + " bytes");
        }
        String id = QueueIds.next();
        Instant now = clock.instant();
        String helo = context.getHelo().orElse("unknown").replace(' ', '?');
        try (MailContent spooled = spooled(body, spoolFailure)) {
            MailContent content = stamp.stamp(spooled, helo + " ([" + clientAddress().getHostAddress() + "])",
                protocol(), id, recipients, now);
            QueuedMail mail = QueuedMail.received(id, new MailEnvelope(sender == null ? "" : sender, recipients),
                content, new QueuedMail.Trace("smtp", now, clientAddress().getHostAddress(), authenticatedUser()));
            queue.enqueue(mail);
            log.info("[smtpd] {} queued from=<{}> recipients={} size={} client={}",
                id, mail.envelope().sender(), recipients.size(), content.size(), clientAddress().getHostAddress());
        } catch (EnqueueException | IOException | UncheckedIOException e) {
            log.warn("[smtpd] {} not queued, answered 451: {} client={}", id, e.getMessage(), clientAddress().getHostAddress());
            throw SmtpReply.QUEUE_UNAVAILABLE.reject();
        }
        return "2.0.0 Ok: queued as " + id;
    }

    @Override
    public void done() {
        // nothing held: the mail is either in the broker or was refused
    }

    /** The DATA bytes, unless writing them to the spool failed (a full disk). */
    private static MailContent spooled(MailSpool.Output body, IOException spoolFailure) throws IOException {
        if (spoolFailure != null) {
            throw new IOException("cannot spool the message: " + spoolFailure.getMessage(), spoolFailure);
        }
        return body.toContent();
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
}
