package io.mailgateway.smtp.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.smtp.channel.SessionActivity.Phase;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The orderly stop's view of one session: which sessions it may close at which step, and that it never
 * closes one whose thread may be answering, nor lets a cut message count as complete.
 */
class SessionActivityTest {

    private final AtomicBoolean inTransaction = new AtomicBoolean();
    private final SessionActivity activity = new SessionActivity();

    SessionActivityTest() {
        activity.watchTransaction(inTransaction::get);
    }

    @Test
    void withoutAStopASessionGoesThroughItsPhasesUntouched() {
        assertThat(activity.phase()).isEqualTo(Phase.BUSY);
        assertThat(activity.awaitCommand()).isFalse();
        assertThat(activity.phase()).isEqualTo(Phase.AWAITING_COMMAND);
        assertThat(activity.commandArrived()).isTrue();
        activity.receivingData();
        assertThat(activity.phase()).isEqualTo(Phase.RECEIVING_DATA);
        assertThat(activity.dataComplete()).isTrue();
        assertThat(activity.phase()).isEqualTo(Phase.BUSY);
        assertThat(activity.isClaimed()).isFalse();
    }

    @Test
    void aSessionWaitingBetweenTransactionsIsClaimedWhenTheStopBegins() {
        activity.awaitCommand();

        assertThat(activity.claimIfIdle()).isTrue();
        assertThat(activity.isClaimed()).isTrue();
        assertThat(activity.commandArrived()).as("a line arriving after the claim is not executed").isFalse();
    }

    @Test
    void aSessionInATransactionMayFinishItAndIsAnswered421AtItsNextCommand() {
        inTransaction.set(true); // after MAIL and RCPT
        activity.awaitCommand();

        assertThat(activity.claimIfIdle()).isFalse();
        assertThat(activity.commandArrived()).isTrue(); // DATA
        activity.receivingData();
        assertThat(activity.dataComplete()).isTrue();
        inTransaction.set(false); // 250 given, transaction over

        assertThat(activity.awaitCommand()).as("answer 421 instead of waiting for the next command").isTrue();
        assertThat(activity.phase()).as("the session thread writes that 421 itself").isEqualTo(Phase.BUSY);
    }

    @Test
    void aSessionThatEndsItsTransactionWithRsetDuringTheGraceIsAnswered421() {
        inTransaction.set(true);
        activity.awaitCommand();
        activity.claimIfIdle();
        activity.commandArrived(); // RSET
        inTransaction.set(false);

        assertThat(activity.awaitCommand()).isTrue();
    }

    @Test
    void aBusySessionIsNeverClaimedButAnswers421AtItsNextCommandOnceTheGraceIsOver() {
        inTransaction.set(true);
        activity.awaitCommand();
        activity.commandArrived(); // e.g. the end of DATA, queueing the mail

        assertThat(activity.claimIfIdle()).isFalse();
        assertThat(activity.claimNow()).isFalse();
        assertThat(activity.isClaimed()).isFalse();
        assertThat(activity.awaitCommand()).as("grace over: even in a transaction").isTrue();
    }

    @Test
    void whenTheGraceIsOverASessionInTheMiddleOfDataIsClaimedAndItsMessageNeverCompletes() {
        inTransaction.set(true);
        activity.awaitCommand();
        activity.claimIfIdle();
        activity.commandArrived();
        activity.receivingData();

        assertThat(activity.claimNow()).isTrue();
        assertThat(activity.dataComplete()).isFalse();
        assertThat(activity.inTransaction()).isTrue();
    }

    @Test
    void whenTheGraceIsOverASessionWaitingForACommandInATransactionIsClaimed() {
        inTransaction.set(true);
        activity.awaitCommand();
        activity.claimIfIdle();

        assertThat(activity.claimNow()).isTrue();
        assertThat(activity.commandArrived()).isFalse();
    }

    @Test
    void theEndOfDataAndTheClaimExcludeEachOther() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 2000; i++) {
                SessionActivity race = new SessionActivity();
                race.awaitCommand();
                race.commandArrived();
                race.receivingData();
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Boolean> completed = threads.submit(() -> {
                    start.await();
                    return race.dataComplete();
                });
                Future<Boolean> claimed = threads.submit(() -> {
                    start.await();
                    return race.claimNow();
                });
                boolean messageTaken = completed.get(10, TimeUnit.SECONDS);
                boolean closedByStop = claimed.get(10, TimeUnit.SECONDS);
                assertThat(messageTaken ^ closedByStop)
                    .as("run %d: taken=%s claimed=%s", i, messageTaken, closedByStop).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
