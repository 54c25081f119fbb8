package io.mailgateway.smtp.commands;

import io.mailgateway.smtp.channel.GuardedConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * DATA: checks the transaction first, then tells the connection's guard that message data follows, up
 * to CRLF.CRLF and within the DATA deadline, answers 354 and hands the data to the session's message
 * handler through {@link DotTerminatedData}, which reads it a block at a time (subethasmtp's own DATA
 * command reads it a byte at a time). The handler's answer is the reply: 250 with what it returned, or the
 * rejection it threw.
 */
public final class DataCommand extends BaseCommand {

    private final Duration dataTimeout;

    public DataCommand(Duration dataTimeout) {
        super("DATA", "Send the message.");
        this.dataTimeout = dataTimeout;
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
        session.sendResponse(SmtpReply.START_MAIL_INPUT.line());
        InputStream data = new DotTerminatedData(session.getRawInput());
        try {
            String queued = session.getMessageHandler().data(data);
            skipRest(data);
            session.sendResponse("250 " + (queued == null ? "2.0.0 Ok" : queued));
        } catch (DropConnectionException e) {
            // a RejectException too, but one that ends the session: subethasmtp sends its 421 and closes
            throw e;
        } catch (RejectException e) {
            skipRest(data);
            session.sendResponse(e.getErrorResponse());
        } finally {
            // RFC 5321 §4.1.1.4: the transaction ends with DATA, accepted or not
            session.resetMailTransaction();
        }
    }

    /**
     * Reads the message data to its end: a handler that stopped early, accepting or refusing, must not leave
     * message lines to be read as commands.
     */
    private static void skipRest(InputStream data) throws IOException {
        data.transferTo(OutputStream.nullOutputStream());
    }
}
