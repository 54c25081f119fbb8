package io.mailgateway.smtp.channel;

import java.util.function.BooleanSupplier;

/**
 * What one connection's session is doing, as far as an orderly stop cares, and the stop's claim on it.
 *
 * <p>The session's own thread moves it between three phases through its {@link CommandChannelGuard}: busy
 * (running a command, so it may be writing a reply), waiting for the next command line, and receiving
 * message data. The stopping thread may take the connection over (<em>claim</em> it: write 421 and close
 * the socket) only while the session thread waits for the client, because then it writes nothing: the two
 * never answer at once. A claimed session that still gets bytes from the client treats them as the end of
 * the connection, and never as the end of its message data, so a message cut by the stop is not queued.
 *
 * <p>The stop has two steps. {@link #claimIfIdle()} when it begins: a session between mail transactions
 * is closed at once, one in a transaction is left to finish. {@link #claimNow()} when the grace period is
 * over: every session waiting for its client is closed, even in the middle of DATA. A busy session is
 * never claimed; at its next command the guard has it answer 421 itself ({@link #awaitCommand()}).
 *
 * <p>Thread-safe: the session thread and the stopping thread meet here.
 */
public final class SessionActivity {

    enum Phase { BUSY, AWAITING_COMMAND, RECEIVING_DATA, CLAIMED }

    /** How far the stop has come: {@link #claimIfIdle()} begins the grace period, {@link #claimNow()} ends it. */
    private enum Stop { RUNNING, IN_GRACE, GRACE_OVER }

    private Phase phase = Phase.BUSY;
    private Stop stop = Stop.RUNNING;
    private BooleanSupplier transactionInProgress = () -> false;
    private boolean inTransaction;

    /**
     * Where the session keeps its mail transaction state (subethasmtp's session); read only by the
     * session thread, in {@link #awaitCommand()}.
     */
    public synchronized void watchTransaction(BooleanSupplier inProgress) {
        this.transactionInProgress = inProgress;
    }

    /**
     * The session thread is about to wait for the next command line.
     *
     * @return true when the session must instead answer 421 at once and close: the listener is stopping and
     *         the session is between mail transactions, or the grace period is over
     */
    synchronized boolean awaitCommand() {
        if (phase == Phase.CLAIMED) {
            return true;
        }
        inTransaction = transactionInProgress.getAsBoolean();
        if (stop == Stop.GRACE_OVER || (stop == Stop.IN_GRACE && !inTransaction)) {
            return true; // stays busy: the session thread writes the 421 itself
        }
        phase = Phase.AWAITING_COMMAND;
        return false;
    }

    /** @return false when the stop claimed the connection meanwhile: the line is not to be executed */
    synchronized boolean commandArrived() {
        if (phase == Phase.CLAIMED) {
            return false;
        }
        phase = Phase.BUSY;
        return true;
    }

    /** The session thread reads message data (the 354 has been sent). */
    synchronized void receivingData() {
        if (phase != Phase.CLAIMED) {
            phase = Phase.RECEIVING_DATA;
        }
    }

    /** @return false when the stop claimed the connection first: the message must not be taken */
    synchronized boolean dataComplete() {
        if (phase == Phase.CLAIMED) {
            return false;
        }
        phase = Phase.BUSY;
        return true;
    }

    /** Whether the stop has taken the connection over (it answers 421 and closes the socket). */
    public synchronized boolean isClaimed() {
        return phase == Phase.CLAIMED;
    }

    /** Whether the session was in a mail transaction when it last waited for a command. */
    public synchronized boolean inTransaction() {
        return inTransaction;
    }

    /**
     * The stop begins. Claims the connection when the session waits for a command between mail
     * transactions; otherwise marks it so that it is closed once its transaction ends.
     *
     * @return true when claimed: the caller now answers 421 and closes the socket
     */
    public synchronized boolean claimIfIdle() {
        if (stop == Stop.RUNNING) {
            stop = Stop.IN_GRACE;
        }
        if (phase == Phase.AWAITING_COMMAND && !inTransaction) {
            phase = Phase.CLAIMED;
            return true;
        }
        return false;
    }

    /**
     * The grace period is over. Claims the connection when the session waits for its client (a command or
     * message data); a busy session answers 421 at its next command.
     *
     * @return true when claimed: the caller now answers 421 and closes the socket
     */
    public synchronized boolean claimNow() {
        stop = Stop.GRACE_OVER;
        if (phase == Phase.AWAITING_COMMAND || phase == Phase.RECEIVING_DATA) {
            phase = Phase.CLAIMED;
            return true;
        }
        return false;
    }

    synchronized Phase phase() {
        return phase;
    }
}
