package io.mailgateway.smtp.commands;

import io.mailgateway.smtp.channel.CommandChannelGuard;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.server.Session;

/** The answers to the marker lines {@link CommandChannelGuard} puts in place of a command line it refused. */
public final class GuardMarkerCommands {

    private static final Logger log = LoggerFactory.getLogger(GuardMarkerCommands.class);

    private GuardMarkerCommands() {
    }

    public static List<Command> all() {
        return List.of(
            new BaseCommand(CommandChannelGuard.LINE_TOO_LONG, "internal") {
                @Override
                public void execute(String line, Session session) throws IOException {
                    log.info("[smtpd] rejected over-long command line client={}", client(session));
                    session.sendResponse(SmtpReply.LINE_TOO_LONG.line());
                }
            },
            new BaseCommand(CommandChannelGuard.BAD_LINE_ENDING, "internal") {
                @Override
                public void execute(String line, Session session) throws DropConnectionException {
                    log.info("[smtpd] bare CR/LF or NUL in command line, closing client={}", client(session));
                    throw SmtpReply.BAD_LINE.dropConnection();
                }
            },
            new BaseCommand(CommandChannelGuard.TOO_MANY_ERRORS, "internal") {
                @Override
                public void execute(String line, Session session) throws DropConnectionException {
                    log.info("[smtpd] too many errors, closing client={}", client(session));
                    throw SmtpReply.TOO_MANY_ERRORS.dropConnection();
                }
            },
            new BaseCommand(CommandChannelGuard.IDLE_TIMEOUT, "internal") {
                @Override
                public void execute(String line, Session session) throws DropConnectionException {
                    log.info("[smtpd] idle timeout, closing client={}", client(session));
                    throw SmtpReply.IDLE_TIMEOUT.dropConnection();
                }
            },
            new BaseCommand(CommandChannelGuard.SHUTTING_DOWN, "internal") {
                @Override
                public void execute(String line, Session session) throws DropConnectionException {
                    log.info("[smtpd] listener stopping, closing session client={}", client(session));
                    throw SmtpReply.SHUTTING_DOWN.dropConnection();
                }
            },
            new BaseCommand("BDAT", "CHUNKING is not offered") {
                @Override
                public void execute(String line, Session session) throws IOException {
                    session.sendResponse(SmtpReply.BDAT_NOT_OFFERED.line());
                }
            });
    }

    static String client(Session session) {
        return session.getRemoteAddress().getAddress().getHostAddress();
    }
}
