package io.mailgateway.smtp.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommandChannelGuardTest {

    private final ReplyObserver replies = new ReplyObserver(new ByteArrayOutputStream());

    @Test
    void commandLinesComeOutOneAtATimeAndUnchanged() throws IOException {
        CommandChannelGuard guard = guard("EHLO a\r\nMAIL FROM:<x@y>\r\n");
        assertThat(readChunk(guard)).isEqualTo("EHLO a\r\n");
        assertThat(readChunk(guard)).isEqualTo("MAIL FROM:<x@y>\r\n");
        assertThat(guard.read(new byte[10], 0, 10)).isEqualTo(-1);
    }

    @Test
    void aBareLineFeedBecomesTheBadLineMarker() throws IOException {
        assertThat(readChunk(guard("MAIL FROM:<x@y>\n"))).isEqualTo("XBADLINE\r\n");
    }

    @Test
    void aBareCarriageReturnBecomesTheBadLineMarker() throws IOException {
        assertThat(readChunk(guard("MAIL\rFROM:<x@y>\r\n"))).isEqualTo("XBADLINE\r\n");
    }

    @Test
    void aNulBecomesTheBadLineMarker() throws IOException {
        assertThat(readChunk(guard("NOOP\u0000\r\n"))).isEqualTo("XBADLINE\r\n");
    }

    @Test
    void exactly512OctetsPassAnd513AreTooLong() throws IOException {
        String ok = "NOOP " + "x".repeat(505) + "\r\n";
        String tooLong = "NOOP " + "x".repeat(506) + "\r\n";
        assertThat(ok).hasSize(512);
        CommandChannelGuard guard = guard(ok + tooLong + "QUIT\r\n");
        assertThat(readChunk(guard)).isEqualTo(ok);
        assertThat(readChunk(guard)).isEqualTo("XLONGLINE\r\n");
        assertThat(readChunk(guard)).isEqualTo("QUIT\r\n");
    }

    @Test
    void dataEndsExactlyAtCrLfDotCrLfAndTheNextLineIsACommandAgain() throws IOException {
        CommandChannelGuard guard = guardInData("line\r\n..stuffed\r\n.\r\nQUIT\r\n");
        assertThat(readAll(guard, 100)).isEqualTo("line\r\n..stuffed\r\n.\r\n");
        assertThat(readChunk(guard)).isEqualTo("QUIT\r\n");
    }

    @Test
    void anEmptyMessageEndsAtTheFirstDotLine() throws IOException {
        CommandChannelGuard guard = guardInData(".\r\nNOOP\r\n");
        assertThat(readAll(guard, 100)).isEqualTo(".\r\n");
        assertThat(readChunk(guard)).isEqualTo("NOOP\r\n");
    }

    @Test
    void smugglingLookalikesDoNotEndData() throws IOException {
        CommandChannelGuard guard = guardInData("a\n.\nb\r.\rc\r\n.\rd\n.\r\ne\r\n.\r\nNOOP\r\n");
        assertThat(readAll(guard, 100)).isEqualTo("a\n.\nb\r.\rc\r\n.\rd\n.\r\ne\r\n.\r\n");
        assertThat(readChunk(guard)).isEqualTo("NOOP\r\n");
    }

    @Test
    void dataPastTheDeadlineFails() {
        CommandChannelGuard guard = guard("slow\r\n");
        guard.expectData(System.nanoTime() - 1);
        assertThatThrownBy(() -> guard.read(new byte[10], 0, 10))
            .isInstanceOf(CommandChannelGuard.DataDeadlineException.class);
    }

    @Test
    void startTlsDropsWhatWasPipelinedAndPassesTheRestThrough() throws IOException {
        CommandChannelGuard guard = guard("STARTTLS\r\nMAIL FROM:<injected@x>\r\n");
        assertThat(readChunk(guard)).isEqualTo("STARTTLS\r\n");
        guard.startTls();
        assertThat(guard.read(new byte[100], 0, 100)).isEqualTo(-1);
    }

    @Test
    void afterTooManyErrorsTheNextLineIsTheErrorLimitMarker() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ReplyObserver observer = new ReplyObserver(sink);
        observer.write("500 unknown\r\n250-ok\r\n550-first\r\n550 second\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(observer.errors()).isEqualTo(2);
        CommandChannelGuard guard = new CommandChannelGuard(stream("NOOP\r\n"), observer, 2);
        assertThat(readChunk(guard)).isEqualTo("XERRLIMIT\r\n");
    }

    @Test
    void whenTheStopBeginsASessionBetweenTransactionsGetsTheShuttingDownMarkerInsteadOfItsNextLine() throws IOException {
        SessionActivity activity = new SessionActivity();
        CommandChannelGuard guard = new CommandChannelGuard(stream("MAIL FROM:<x@y>\r\n"), replies, 10, activity);
        activity.claimIfIdle(); // busy with the previous command at that moment: not claimed, only told

        assertThat(readChunk(guard)).isEqualTo("XSHUTDOWN\r\n");
    }

    @Test
    void duringTheGraceASessionInATransactionReadsItsCommandsAsUsual() throws IOException {
        SessionActivity activity = new SessionActivity();
        activity.watchTransaction(() -> true);
        CommandChannelGuard guard = new CommandChannelGuard(stream("DATA\r\n"), replies, 10, activity);
        activity.claimIfIdle();

        assertThat(readChunk(guard)).isEqualTo("DATA\r\n");
    }

    @Test
    void aCommandLineArrivingAsTheStopClaimsTheSessionIsNotExecuted() throws IOException {
        SessionActivity activity = new SessionActivity();
        InputStream client = claimingOnFirstRead(stream("MAIL FROM:<x@y>\r\n"), activity::claimIfIdle);
        CommandChannelGuard guard = new CommandChannelGuard(client, replies, 10, activity);

        assertThat(guard.read(new byte[100], 0, 100)).isEqualTo(-1);
    }

    @Test
    void theSocketClosedByTheStopEndsTheCommandStreamQuietly() throws IOException {
        SessionActivity activity = new SessionActivity();
        InputStream closed = claimingOnFirstRead(failing(), activity::claimIfIdle);
        CommandChannelGuard guard = new CommandChannelGuard(closed, replies, 10, activity);

        assertThat(guard.read(new byte[100], 0, 100)).isEqualTo(-1);
    }

    @Test
    void aSocketErrorWithoutAStopStillFails() {
        CommandChannelGuard guard = new CommandChannelGuard(failing(), replies, 10, new SessionActivity());

        assertThatThrownBy(() -> guard.read(new byte[100], 0, 100)).isInstanceOf(SocketException.class);
    }

    @Test
    void theEndOfDataArrivingAfterTheGraceIsOverDoesNotCompleteTheMessage() {
        SessionActivity activity = new SessionActivity();
        InputStream client = claimingOnFirstRead(stream("last line\r\n.\r\n"), activity::claimNow);
        CommandChannelGuard guard = new CommandChannelGuard(client, replies, 10, activity);
        guard.expectData(System.nanoTime() + 10_000_000_000L);

        assertThatThrownBy(() -> readAll(guard, 100))
            .isInstanceOf(CommandChannelGuard.StoppedDuringDataException.class);
    }

    @Test
    void theSocketClosedByTheStopInTheMiddleOfDataFailsTheMessage() {
        SessionActivity activity = new SessionActivity();
        InputStream closed = claimingOnFirstRead(failing(), activity::claimNow);
        CommandChannelGuard guard = new CommandChannelGuard(closed, replies, 10, activity);
        guard.expectData(System.nanoTime() + 10_000_000_000L);

        assertThatThrownBy(() -> guard.read(new byte[100], 0, 100))
            .isInstanceOf(CommandChannelGuard.StoppedDuringDataException.class);
    }

    /** The client's bytes, with the stop stepping in just as the guard starts waiting for them. */
    private static InputStream claimingOnFirstRead(InputStream client, Runnable claim) {
        return new InputStream() {
            private boolean claimed;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (!claimed) {
                    claimed = true;
                    claim.run();
                }
                return client.read(buffer, offset, length);
            }
        };
    }

    /** A socket closed under the reader's feet. */
    private static InputStream failing() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw new SocketException("Socket closed");
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                throw new SocketException("Socket closed");
            }
        };
    }

    private CommandChannelGuard guard(String input) {
        return new CommandChannelGuard(stream(input), replies, 10);
    }

    /** A guard past the 354 reply to DATA, with ten seconds left to the end of the message. */
    private CommandChannelGuard guardInData(String input) {
        CommandChannelGuard guard = guard(input);
        guard.expectData(System.nanoTime() + 10_000_000_000L);
        return guard;
    }

    private static InputStream stream(String input) {
        return new ByteArrayInputStream(input.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String readChunk(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        int n = in.read(buffer, 0, buffer.length);
        return n < 0 ? null : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** Reads in small pieces until the guard itself stops handing out data bytes. */
    private static String readAll(CommandChannelGuard in, int max) throws IOException {
        StringBuilder out = new StringBuilder();
        byte[] buffer = new byte[3];
        while (out.length() < max) {
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                break;
            }
            out.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            if (out.toString().endsWith("\r\n.\r\n") || out.toString().equals(".\r\n")) {
                break;
            }
        }
        return out.toString();
    }
}
