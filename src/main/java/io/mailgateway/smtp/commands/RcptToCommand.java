package io.mailgateway.smtp.commands;

import java.io.IOException;
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
            session.sendResponse(Replies.NEED_MAIL);
            return;
        }
        MailPath path = MailPath.parse(getArgPredicate(commandString), "TO:");
        if (path == null || path.address().isEmpty()) {
            session.sendResponse("501 5.5.4 Syntax: RCPT TO:<address>");
            return;
        }
        if (!MailPath.readTheSameBySubethaSmtp(path, "TO:<" + path.address() + ">", "TO:")) {
            session.sendResponse("501 5.1.3 Bad recipient address syntax");
            return;
        }
        if (!path.parameters().isEmpty()) {
            session.sendResponse("555 5.5.4 Unsupported RCPT TO parameter");
            return;
        }
        if (session.getRecipientCount() >= maxRecipients) {
            org.slf4j.LoggerFactory.getLogger(RcptToCommand.class).info("[smtpd] rejected RCPT TO: {} client={}",
                Replies.TOO_MANY_RECIPIENTS, GuardMarkerCommands.client(session));
            session.sendResponse(Replies.TOO_MANY_RECIPIENTS);
            return;
        }
        delegate.execute("RCPT TO:<" + path.address() + ">", session);
    }
}
