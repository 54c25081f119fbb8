package io.mailgateway.smtp.channel;

/** A client socket whose input runs through a {@link CommandChannelGuard}; what the SMTP commands reach it by. */
public interface GuardedConnection {

    CommandChannelGuard guard();

    /** Counts the error replies sent on this connection. */
    ReplyObserver replies();

    /** What the session is doing, for an orderly stop; the same before and after STARTTLS. */
    SessionActivity activity();
}
