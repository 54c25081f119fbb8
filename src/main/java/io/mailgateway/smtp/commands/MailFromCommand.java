package io.mailgateway.smtp.commands;

import io.mailgateway.queue.StorageGuard;
import io.mailgateway.smtp.auth.SmtpUsers;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.server.Session;

/**
 * MAIL FROM with the listener's demands in front of subethasmtp's command: TLS and AUTH where the port
 * requires them (530 5.7.0, RFC 6409 §4), only the parameters of extensions we advertise (555 otherwise),
 * the declared SIZE (552 5.3.4 before any data is sent), the authenticated user's allowed senders
 * (553 5.7.1), and last, once nothing permanent is wrong, free disk (452 4.3.1 below gateway.disk.min-free,
 * or when the declared SIZE would bring it below).
 */
public final class MailFromCommand extends BaseCommand {

    private static final Logger log = LoggerFactory.getLogger(MailFromCommand.class);

    /** Compiled once: a MAIL with SIZE is checked against it on every transaction. At most 18 digits fit a long. */
    private static final Pattern SIZE_DIGITS = Pattern.compile("[0-9]{1,18}");

    private final ListenerProfile profile;
    private final long maxMessageSize;
    private final SmtpUsers users;
    private final StorageGuard storage;
    private final Command delegate;

    public MailFromCommand(ListenerProfile profile, long maxMessageSize, SmtpUsers users, StorageGuard storage,
                           Command delegate) {
        super("MAIL", "Begin a mail transaction.", "FROM:<sender> [SIZE=n] [BODY=8BITMIME] [SMTPUTF8]");
        this.profile = profile;
        this.maxMessageSize = maxMessageSize;
        this.users = users;
        this.storage = storage;
        this.delegate = delegate;
    }

    @Override
    public void execute(String commandString, Session session) throws IOException, DropConnectionException {
        if (profile.requiresTls() && !session.isTLSStarted()) {
            refuse(session, SmtpReply.MUST_STARTTLS);
            return;
        }
        if (profile.requiresAuth() && !session.isAuthenticated()) {
            refuse(session, SmtpReply.AUTH_REQUIRED);
            return;
        }
        if (session.isMailTransactionInProgress()) {
            delegate.execute(commandString, session); // its "503 5.5.1 Sender already specified"
            return;
        }
        MailPath path = MailPath.parse(getArgPredicate(commandString), "FROM:");
        if (path == null) {
            session.sendResponse(SmtpReply.MAIL_SYNTAX.line());
            return;
        }
        if (!MailPath.readTheSameBySubethaSmtp(path, getArgPredicate(commandString), "FROM:")) {
            // the checks below must judge the address that takes effect, not a different reading of it
            refuse(session, SmtpReply.BAD_SENDER_SYNTAX);
            return;
        }
        long declaredSize = 0;
        for (String parameter : path.parameters()) {
            String upper = parameter.toUpperCase(Locale.ROOT);
            if (upper.startsWith("SIZE=")) {
                String digits = upper.substring(5);
                if (!SIZE_DIGITS.matcher(digits).matches()) {
                    session.sendResponse(SmtpReply.BAD_SIZE_PARAMETER.line());
                    return;
                }
                declaredSize = Long.parseLong(digits);
                if (declaredSize > maxMessageSize) {
                    refuse(session, SmtpReply.SIZE_EXCEEDED);
                    return;
                }
            } else if (!(upper.equals("BODY=7BIT") || upper.equals("BODY=8BITMIME") || upper.equals("SMTPUTF8")
                    || upper.startsWith("AUTH="))) {
                refuse(session, SmtpReply.UNKNOWN_MAIL_PARAMETER);
                return;
            }
        }
        String user = session.getAuthenticationHandler().map(AuthenticationHandler::getIdentity)
            .map(Object::toString).orElse(null);
        if (user != null && !users.maySendAs(user, path.address())) {
            log.info("[smtpd] rejected MAIL FROM:<{}>: not allowed for user {} client={}",
                path.address(), user, GuardMarkerCommands.client(session));
            session.sendResponse(SmtpReply.SENDER_NOT_OWNED.line());
            return;
        }
        // after the permanent refusals: a client told 452 retries, and should not retry for days what can
        // never be accepted
        if (!storage.roomFor(declaredSize)) {
            refuse(session, SmtpReply.INSUFFICIENT_STORAGE);
            return;
        }
        delegate.execute(commandString, session);
    }

    private void refuse(Session session, SmtpReply reply) throws IOException {
        log.info("[smtpd] rejected MAIL FROM on {} listener: {} client={}", profile.name(), reply,
            GuardMarkerCommands.client(session));
        session.sendResponse(reply.line());
    }
}
