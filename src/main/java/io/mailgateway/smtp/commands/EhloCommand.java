package io.mailgateway.smtp.commands;

import java.io.IOException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * EHLO with the extensions this gateway really implements: SIZE, 8BITMIME, SMTPUTF8; STARTTLS where the
 * listener offers it and TLS is not yet active; AUTH only once TLS is active. Not advertised: PIPELINING
 * (commands are answered one by one), CHUNKING (BDAT is refused) and ENHANCEDSTATUSCODES (some of
 * subethasmtp's own replies lack them).
 */
public final class EhloCommand extends BaseCommand {

    private final ListenerProfile profile;
    private final long maxMessageSize;

    public EhloCommand(ListenerProfile profile, long maxMessageSize) {
        super("EHLO", "Introduce yourself.", "<hostname>");
        this.profile = profile;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public void execute(String commandString, Session session) throws IOException {
        String[] args = getArgs(commandString);
        if (args.length != 2) {
            session.sendResponse(SmtpReply.EHLO_SYNTAX.line());
            return;
        }
        session.resetMailTransaction();
        session.setHelo(args[1]);
        StringBuilder reply = new StringBuilder();
        reply.append("250-").append(session.getServer().getHostName()).append("\r\n");
        reply.append("250-SIZE ").append(maxMessageSize).append("\r\n");
        reply.append("250-8BITMIME\r\n");
        reply.append("250-SMTPUTF8\r\n");
        if (profile.offersStartTls() && !session.isTLSStarted()) {
            reply.append("250-STARTTLS\r\n");
        }
        if (session.isTLSStarted() && !session.isAuthenticated()) {
            reply.append("250-AUTH PLAIN LOGIN\r\n");
        }
        reply.append("250 HELP");
        session.sendResponse(reply.toString());
    }
}
