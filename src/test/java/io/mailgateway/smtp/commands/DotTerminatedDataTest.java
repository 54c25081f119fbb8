package io.mailgateway.smtp.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.internal.io.DotTerminatedInputStream;
import org.subethamail.smtp.internal.io.DotUnstuffingInputStream;

class DotTerminatedDataTest {

    @Test
    void dataShouldEndAtTheLoneDotLineAndLeaveThePipelinedCommandInTheSessionStream() throws IOException {
        InputStream session = session("Subject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n", 8192);

        assertThat(text(new DotTerminatedData(session), 4096)).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
        assertThat(new String(session.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("QUIT\r\n");
    }

    @Test
    void aDotLineRightAwayShouldBeAnEmptyMessage() throws IOException {
        InputStream session = session(".\r\nMAIL FROM:<a@b>\r\n", 8192);

        assertThat(text(new DotTerminatedData(session), 4096)).isEmpty();
        assertThat(new String(session.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("MAIL FROM:<a@b>\r\n");
    }

    /** The first line too (RFC 5321 §4.5.2), unlike subethasmtp's own streams. */
    @Test
    void aLeadingDotShouldBeRemovedFromEveryLineThatHasOne() throws IOException {
        InputStream session = session("..hidden\r\n..\r\n.x\r\nmid.dle\r\n.\r\n", 8192);

        assertThat(text(new DotTerminatedData(session), 4096)).isEqualTo(".hidden\r\n.\r\nx\r\nmid.dle\r\n");
    }

    @Test
    void aConnectionClosedBeforeTheDotLineShouldBeAnErrorNotAShortMessage() {
        InputStream session = session("half a message\r\n", 8192);

        assertThatThrownBy(() -> text(new DotTerminatedData(session), 4096))
            .isInstanceOf(EOFException.class)
            .hasMessageContaining("before the end of the message data");
    }

    @Test
    void singleByteReadsShouldGiveTheSameData() throws IOException {
        InputStream session = session("a\r\n..b\r\n.\r\nNOOP\r\n", 8192);
        DotTerminatedData data = new DotTerminatedData(session);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = data.read()) >= 0) {
            out.write(b);
        }

        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("a\r\n.b\r\n");
        assertThat(new String(session.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("NOOP\r\n");
    }

    /**
     * Random data made of the characters that matter (period, CR, LF) read with every combination of
     * network packet size and caller buffer size: the same bytes as subethasmtp's byte-at-a-time streams
     * (which this class replaces) give, and the same rest left for the next command.
     */
    @Test
    void shouldMatchSubethasmtpsOwnStreamsWhateverThePacketAndBufferSizes() throws IOException {
        Random random = new Random(20261204);
        byte[] alphabet = {'.', '.', '\r', '\n', '\r', '\n', 'a', 'b'};
        int compared = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] body = new byte[random.nextInt(40)];
            for (int i = 0; i < body.length; i++) {
                body[i] = alphabet[random.nextInt(alphabet.length)];
            }
            // the first line is fixed: subethasmtp leaves a stuffed period on the very first line (RFC 5321
            // §4.5.2 says to remove it, as this class and Postfix do; see the test above)
            byte[] wire = concat(concat("x\r\n".getBytes(StandardCharsets.US_ASCII), body),
                "\r\n.\r\nRSET\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream reference = session(wire, 1);
            byte[] expected = new DotUnstuffingInputStream(new DotTerminatedInputStream(reference)).readAllBytes();
            String expectedRest = new String(reference.readAllBytes(), StandardCharsets.US_ASCII);
            int packet = 1 + random.nextInt(7);
            int buffer = 1 + random.nextInt(5);
            InputStream session = session(wire, packet);
            byte[] actual = bytes(new DotTerminatedData(session), buffer);

            assertThat(actual).as("data of %s, packets of %d, reads of %d", printable(wire), packet, buffer)
                .isEqualTo(expected);
            assertThat(new String(session.readAllBytes(), StandardCharsets.US_ASCII))
                .as("rest of %s", printable(wire)).isEqualTo(expectedRest);
            compared++;
        }
        assertThat(compared).isEqualTo(3000);
    }

    @Test
    void aStreamWithoutMarkShouldBeRefused() {
        InputStream noMark = new InputStream() {
            @Override
            public int read() {
                return -1;
            }
        };

        assertThatThrownBy(() -> new DotTerminatedData(noMark)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The session's stream: buffered, over a socket that delivers at most {@code packet} bytes per read. */
    private static InputStream session(String wire, int packet) {
        return session(wire.getBytes(StandardCharsets.US_ASCII), packet);
    }

    private static InputStream session(byte[] wire, int packet) {
        InputStream socket = new ByteArrayInputStream(wire) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, packet));
            }
        };
        return new BufferedInputStream(socket, 16);
    }

    private static String text(InputStream data, int buffer) throws IOException {
        return new String(bytes(data, buffer), StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(InputStream data, int buffer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[buffer];
        int n;
        while ((n = data.read(chunk, 0, buffer)) >= 0) {
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String printable(byte[] wire) {
        return new String(wire, StandardCharsets.US_ASCII).replace("\r", "\\r").replace("\n", "\\n");
    }
}
