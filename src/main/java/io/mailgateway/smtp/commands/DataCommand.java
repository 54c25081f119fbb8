package io.mailgateway.smtp.commands;

import io.mailgateway.smtp.channel.GuardedConnection;
import java.io.IOException;
import java.time.Duration;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.server.Session;

/**
 * DATA: checks the transaction first, then tells the connection's guard that message data follows, up
 * to CRLF.CRLF and within the DATA deadline, and lets subethasmtp's command read it.
 */
public final class DataCommand extends BaseCommand {

    private final Duration dataTimeout;
    private final Command delegate;

    public DataCommand(Duration dataTimeout, Command delegate) {
        super("DATA", "Send the message.");
        this.dataTimeout = dataTimeout;
        this.delegate = delegate;
    }

    @Override
    public void execute(String commandString, Session session) throws IOException, DropConnectionException {
        if (!commandString.trim().equalsIgnoreCase("DATA")) {
            session.sendResponse(SmtpReply.NO_PARAMETERS.line());
            return;
        }
        if (!session.isMailTransactionInProgress()) {
            session.sendResponse(SmtpReply.NEED_MAIL.line());
            return;
        }
        if (session.getRecipientCount() == 0) {
            session.sendResponse(SmtpReply.NEED_RCPT.line());
            return;
        }
        ((GuardedConnection) session.getSocket()).guard().expectData(System.nanoTime() + dataTimeout.toNanos());
        delegate.execute(commandString, session);
        // subethasmtp keeps the transaction open after a refused DATA; RFC 5321 §4.1.1.4 ends it either way
        session.resetMailTransaction();
    }
}
