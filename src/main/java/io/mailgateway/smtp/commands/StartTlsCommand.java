package io.mailgateway.smtp.commands;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.server.Session;

/**
 * STARTTLS (RFC 3207) with the checks subethasmtp leaves out: 503 when TLS is already active or a mail
 * transaction is open, and a closed connection when the handshake fails. subethasmtp's command does the
 * handshake; the socket factory behind it drops anything pipelined before it (see GuardedServerSocket).
 */
public final class StartTlsCommand extends BaseCommand {

    private static final Logger log = LoggerFactory.getLogger(StartTlsCommand.class);

    private final ListenerProfile profile;
    private final Command handshake;

    public StartTlsCommand(ListenerProfile profile, Command handshake) {
        super("STARTTLS", "Start TLS.");
        this.profile = profile;
        this.handshake = handshake;
    }

    @Override
    public void execute(String commandString, Session session) throws IOException, DropConnectionException {
        if (session.isTLSStarted()) {
            session.sendResponse(SmtpReply.TLS_ACTIVE.line());
            return;
        }
        if (!profile.offersStartTls()) {
            session.sendResponse(SmtpReply.STARTTLS_NOT_OFFERED.line());
            return;
        }
        if (!commandString.trim().equalsIgnoreCase("STARTTLS")) {
            session.sendResponse(SmtpReply.NO_PARAMETERS.line());
            return;
        }
        if (session.isMailTransactionInProgress()) {
            session.sendResponse(SmtpReply.NOT_IN_TRANSACTION.line());
            return;
        }
        handshake.execute(commandString, session);
        if (!session.isTLSStarted()) {
            log.info("[smtpd] TLS handshake failed on {} listener, client={}",
                profile.name(), GuardMarkerCommands.client(session));
            throw SmtpReply.TLS_FAILED.dropConnection();
        }
    }
}
