package io.mailgateway.smtp;

import io.mailgateway.smtp.channel.GuardedConnection;
import io.mailgateway.smtp.channel.SessionActivity;
import io.mailgateway.smtp.commands.SmtpReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * The sessions the listeners have admitted, and their orderly end when the gateway stops (SIGTERM, a
 * service stop). It stands in front of {@link ClientGate}, which decides admission.
 *
 * <p>The stop, once the listening ports are closed: a session between mail transactions gets 421 4.3.2 at
 * once and is closed; a session in a transaction may finish it within the grace period (its mail is
 * queued and answered 250 as usual; the broker and routes stop only after this) and gets 421 at its next
 * command. When the grace period is over, every session still waiting for its client gets 421, even in
 * the middle of DATA, and that mail is not queued: it got no 250, so the client sends it again later, and
 * queueing it would deliver it twice.
 */
final class LiveSessions implements SessionHandler {

    private static final Logger log = LoggerFactory.getLogger(LiveSessions.class);

    /** After the grace period: time for a session busy with a command (queueing a mail) to give its reply. */
    static final Duration AFTER_GRACE = Duration.ofSeconds(5);

    private static final byte[] SHUTTING_DOWN =
        (SmtpReply.SHUTTING_DOWN.line() + "\r\n").getBytes(StandardCharsets.US_ASCII);

    private final SessionHandler admission;
    private final Map<Session, SessionActivity> live = new LinkedHashMap<>();
    private boolean stopping;

    LiveSessions(SessionHandler admission) {
        this.admission = admission;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        synchronized (this) {
            if (stopping) {
                // accepted by the system just before the port closed
                return SmtpReply.SHUTTING_DOWN.refuseSession();
            }
        }
        SessionAcceptance admitted = admission.accept(session);
        if (!admitted.accepted()) {
            return admitted;
        }
        SessionActivity activity = ((GuardedConnection) session.getSocket()).activity();
        activity.watchTransaction(session::isMailTransactionInProgress);
        synchronized (this) {
            live.put(session, activity);
            if (stopping) {
                activity.claimIfIdle(); // not waiting yet: it answers 421 at its first command
            }
        }
        return admitted;
    }

    @Override
    public void onSessionEnd(Session session) {
        synchronized (this) {
            live.remove(session);
            notifyAll();
        }
        admission.onSessionEnd(session);
    }

    synchronized int count() {
        return live.size();
    }

    /**
     * Ends every session in order, as described above; returns when all have ended or, at the latest,
     * {@link #AFTER_GRACE} after the grace period. Sessions left then are closed by the listeners' stop.
     */
    void stop(Duration grace) {
        long start = System.nanoTime();
        ExecutorService closer = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "smtpd-stop");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Map<Session, SessionActivity> open;
            synchronized (this) {
                stopping = true;
                open = new LinkedHashMap<>(live);
            }
            int idle = closeClaimed(open, SessionActivity::claimIfIdle, closer).size();
            int inProgress = open.size() - idle;
            if (inProgress == 0) {
                log.info("[smtpd] stopping: no sessions in progress, {} idle closed with 421", idle);
            } else {
                log.info("[smtpd] stopping: {} sessions in progress, waiting up to {}s; {} idle closed with 421",
                    inProgress, grace.toSeconds(), idle);
            }
            if (awaitNone(start + grace.toNanos())) {
                if (inProgress > 0) {
                    log.info("[smtpd] stopped: all {} sessions in progress finished after {} ms", inProgress, millisSince(start));
                }
                return;
            }
            synchronized (this) {
                open = new LinkedHashMap<>(live);
            }
            List<SessionActivity> cut = closeClaimed(open, SessionActivity::claimNow, closer);
            long inTransaction = cut.stream().filter(SessionActivity::inTransaction).count();
            log.warn("[smtpd] grace period of {}s over: {} of {} sessions in progress still open, {} closed with 421"
                    + " ({} of them in a mail transaction: not queued, the client sends it again)",
                grace.toSeconds(), open.size(), inProgress, cut.size(), inTransaction);
            if (!awaitNone(System.nanoTime() + AFTER_GRACE.toNanos())) {
                log.warn("[smtpd] {} sessions still busy {}s after the grace period: closing them", count(), AFTER_GRACE.toSeconds());
            }
        } finally {
            closer.shutdown();
        }
    }

    /** Claims what {@code claim} allows and has each claimed session answered 421 and closed. */
    private static List<SessionActivity> closeClaimed(Map<Session, SessionActivity> sessions,
                                                      Predicate<SessionActivity> claim, ExecutorService closer) {
        List<SessionActivity> claimed = new ArrayList<>();
        sessions.forEach((session, activity) -> {
            if (claim.test(activity)) {
                claimed.add(activity);
                // on its own thread: a client that reads nothing cannot hold up the stop with a full socket buffer
                closer.execute(() -> sayShuttingDownAndClose(session));
            }
        });
        return claimed;
    }

    private static void sayShuttingDownAndClose(Session session) {
        try {
            // the current socket: the TLS one after STARTTLS (the claim's lock makes the switch visible)
            ((GuardedConnection) session.getSocket()).replies().sendLast(SHUTTING_DOWN);
        } catch (IOException | RuntimeException e) {
            log.debug("[smtpd] could not send 421 to client={}: {}", client(session), e.toString());
        } finally {
            try {
                session.closeSocket();
            } catch (IOException e) {
                log.debug("[smtpd] closing client={}: {}", client(session), e.toString());
            }
        }
    }

    private static String client(Session session) {
        return session.getRemoteAddress().getAddress().getHostAddress();
    }

    private synchronized boolean awaitNone(long deadlineNanos) {
        while (!live.isEmpty()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return live.isEmpty();
            }
        }
        return true;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
