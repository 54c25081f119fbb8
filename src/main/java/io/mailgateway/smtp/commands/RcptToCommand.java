package io.mailgateway.smtp.commands;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.server.Session;

/**
 * RCPT TO with the recipient limit answered as RFC 5321 §4.5.3.1.10 asks (452 4.5.3, so the client sends
 * the rest in another transaction) and no ESMTP parameters (DSN is not offered). The relay decision is
 * the message handler's (RelayPolicies).
 */
public final class RcptToCommand extends BaseCommand {

    private static final Logger log = LoggerFactory.getLogger(RcptToCommand.class);

    private final int maxRecipients;
    private final Command delegate;

    public RcptToCommand(int maxRecipients, Command delegate) {
        super("RCPT", "Add a recipient.", "TO:<recipient>");
        this.maxRecipients = maxRecipients;
        this.delegate = delegate;
    }

    @Override
    public void execute(String commandString, Session session) throws IOException, DropConnectionException {
        if (!session.isMailTransactionInProgress()) {
            session.sendResponse(SmtpReply.NEED_MAIL.line());
            return;
        }
        MailPath path = MailPath.parse(getArgPredicate(commandString), "TO:");
        if (path == null || path.address().isEmpty()) {
            session.sendResponse(SmtpReply.RCPT_SYNTAX.line());
            return;
        }
        if (!MailPath.readTheSameBySubethaSmtp(path, "TO:<" + path.address() + ">", "TO:")) {
            session.sendResponse(SmtpReply.BAD_RECIPIENT_SYNTAX.line());
            return;
        }
        if (!path.parameters().isEmpty()) {
            session.sendResponse(SmtpReply.UNKNOWN_RCPT_PARAMETER.line());
            return;
        }
        if (session.getRecipientCount() >= maxRecipients) {
            log.info("[smtpd] rejected RCPT TO: {} client={}", SmtpReply.TOO_MANY_RECIPIENTS,
                GuardMarkerCommands.client(session));
            session.sendResponse(SmtpReply.TOO_MANY_RECIPIENTS.line());
            return;
        }
        delegate.execute("RCPT TO:<" + path.address() + ">", session);
    }
}
