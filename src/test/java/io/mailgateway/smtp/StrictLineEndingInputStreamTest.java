package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictLineEndingInputStreamTest {

    /** How the bytes are pulled through the stream. */
    enum ReadMode { SINGLE_BYTES, BUFFER }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads the whole stream and returns what came out. */
    private static byte[] drain(StrictLineEndingInputStream in, ReadMode mode) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (mode == ReadMode.SINGLE_BYTES) {
            int b;
            while ((b = in.read()) >= 0) {
                out.write(b);
            }
        } else {
            byte[] buffer = new byte[7]; // small and odd, so line endings fall across buffer boundaries
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static StrictLineEndingInputStream drained(String data, ReadMode mode) throws IOException {
        StrictLineEndingInputStream in = new StrictLineEndingInputStream(new ByteArrayInputStream(bytes(data)));
        drain(in, mode);
        return in;
    }

    /** Hands out at most the given chunk sizes per read, like a socket would. */
    private static InputStream chunked(byte[] data, int... chunkSizes) {
        return new InputStream() {
            private int position;
            private int chunk;

            @Override
            public int read() {
                return position < data.length ? data[position++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= data.length) {
                    return -1;
                }
                int size = chunk < chunkSizes.length ? chunkSizes[chunk++] : Integer.MAX_VALUE;
                int n = Math.min(Math.min(len, size), data.length - position);
                System.arraycopy(data, position, b, off, n);
                position += n;
                return n;
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void crlfOnlyMessagePassesUnflagged(ReadMode mode) throws IOException {
        StrictLineEndingInputStream in = drained(
            "Subject: hello\r\n\r\nline one\r\n.dot-stuffed\r\n\r\nlast line\r\n", mode);

        assertThat(in.sawBareLineEnding()).isFalse();
        assertThat(in.sawNul()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void emptyDataIsNotFlagged(ReadMode mode) throws IOException {
        StrictLineEndingInputStream in = drained("", mode);

        assertThat(in.sawBareLineEnding()).isFalse();
        assertThat(in.sawNul()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void bareLineFeedIsFlagged(ReadMode mode) throws IOException {
        assertThat(drained("Subject: x\r\n\r\nline one\nline two\r\n", mode).sawBareLineEnding()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void bareLineFeedAtTheVeryStartIsFlagged(ReadMode mode) throws IOException {
        assertThat(drained("\nSubject: x\r\n", mode).sawBareLineEnding()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void carriageReturnFollowedByOtherThanLineFeedIsFlagged(ReadMode mode) throws IOException {
        assertThat(drained("Subject: x\r\n\r\nline one\rline two\r\n", mode).sawBareLineEnding()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void doubledCarriageReturnBeforeLineFeedIsFlagged(ReadMode mode) throws IOException {
        assertThat(drained("Subject: x\r\n\r\nline one\r\r\n", mode).sawBareLineEnding()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void trailingCarriageReturnAtTheEndIsFlagged(ReadMode mode) throws IOException {
        assertThat(drained("Subject: x\r\n\r\nlast line\r", mode).sawBareLineEnding()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void bareLineFeedDotBareLineFeedIsFlagged(ReadMode mode) throws IOException {
        assertThat(drained("Subject: x\r\n\r\nbody\n.\nMAIL FROM:<evil@example.com>\r\n", mode)
            .sawBareLineEnding()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void bareLineFeedBeforeDotIsFlagged(ReadMode mode) throws IOException {
        assertThat(drained("Subject: x\r\n\r\nbody\n.\r\nMAIL FROM:<evil@example.com>\r\n", mode)
            .sawBareLineEnding()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void bareCarriageReturnDotBareCarriageReturnIsFlagged(ReadMode mode) throws IOException {
        assertThat(drained("Subject: x\r\n\r\nbody\r.\rMAIL FROM:<evil@example.com>\r\n", mode)
            .sawBareLineEnding()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void crlfDotBareCarriageReturnIsFlagged(ReadMode mode) throws IOException {
        assertThat(drained("Subject: x\r\n\r\nbody\r\n.\rMAIL FROM:<evil@example.com>\r\n", mode)
            .sawBareLineEnding()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void bareCarriageReturnDotCrlfIsFlagged(ReadMode mode) throws IOException {
        assertThat(drained("Subject: x\r\n\r\nbody\r.\r\nMAIL FROM:<evil@example.com>\r\n", mode)
            .sawBareLineEnding()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void nulByteIsFlaggedSeparatelyFromLineEndings(ReadMode mode) throws IOException {
        StrictLineEndingInputStream in = drained("Subject: x\r\n\r\nbo\0dy\r\n", mode);

        assertThat(in.sawNul()).isTrue();
        assertThat(in.sawBareLineEnding()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void bareLineEndingIsNotReportedAsNul(ReadMode mode) throws IOException {
        StrictLineEndingInputStream in = drained("Subject: x\r\n\r\nbody\n", mode);

        assertThat(in.sawBareLineEnding()).isTrue();
        assertThat(in.sawNul()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SINGLE_BYTES", "BUFFER"})
    void bytesPassThroughUnchangedEvenWhenFlagged(ReadMode mode) throws IOException {
        byte[] original = new byte[256 + 6];
        for (int i = 0; i < 256; i++) {
            original[i] = (byte) i; // every byte value, including NUL, bare CR, bare LF, 0xFF
        }
        System.arraycopy(bytes("\r\n.\r\n"), 0, original, 256, 5);
        original[261] = '\n';
        StrictLineEndingInputStream in = new StrictLineEndingInputStream(new ByteArrayInputStream(original));

        assertThat(drain(in, mode)).isEqualTo(original);
        assertThat(in.sawBareLineEnding()).isTrue();
        assertThat(in.sawNul()).isTrue();
    }

    @Test
    void readIntoAnOffsetOfTheBufferChecksOnlyTheBytesRead() throws IOException {
        StrictLineEndingInputStream in = new StrictLineEndingInputStream(new ByteArrayInputStream(bytes("ab\r\ncd")));
        byte[] buffer = new byte[16];
        buffer[0] = '\n'; // stale bytes outside the read window must not count
        buffer[1] = 0;

        int n = in.read(buffer, 5, 6);

        assertThat(n).isEqualTo(6);
        assertThat(new String(buffer, 5, n, StandardCharsets.ISO_8859_1)).isEqualTo("ab\r\ncd");
        assertThat(in.sawBareLineEnding()).isFalse();
        assertThat(in.sawNul()).isFalse();
    }

    @Test
    void crAtTheEndOfOneBufferAndLfAtTheStartOfTheNextIsNotFlagged() throws IOException {
        byte[] data = bytes("line one\r\nline two\r\n");
        // first read ends right after the second CR, the next begins with its LF
        StrictLineEndingInputStream in = new StrictLineEndingInputStream(chunked(data, 19));
        byte[] buffer = new byte[64];

        int first = in.read(buffer, 0, buffer.length);
        assertThat(first).isEqualTo(19);
        assertThat(buffer[first - 1]).isEqualTo((byte) '\r');
        assertThat(in.sawBareLineEnding()).isFalse();

        int second = in.read(buffer, 0, buffer.length);
        assertThat(second).isEqualTo(1);
        assertThat(buffer[0]).isEqualTo((byte) '\n');
        assertThat(in.read(buffer, 0, buffer.length)).isEqualTo(-1);

        assertThat(in.sawBareLineEnding()).isFalse();
    }

    @Test
    void crAtTheEndOfOneBufferAndNonLfAtTheStartOfTheNextIsFlagged() throws IOException {
        byte[] data = bytes("line one\rX\r\n");
        StrictLineEndingInputStream in = new StrictLineEndingInputStream(chunked(data, 9));
        byte[] buffer = new byte[64];

        assertThat(in.read(buffer, 0, buffer.length)).isEqualTo(9);
        in.read(buffer, 0, buffer.length);

        assertThat(in.sawBareLineEnding()).isTrue();
    }

    @Test
    void crLfSplitBetweenSingleByteAndBufferReadsIsNotFlagged() throws IOException {
        StrictLineEndingInputStream in = new StrictLineEndingInputStream(new ByteArrayInputStream(bytes("ab\r\ncd\r\n")));

        assertThat(in.read()).isEqualTo('a');
        assertThat(in.read()).isEqualTo('b');
        assertThat(in.read()).isEqualTo('\r');
        byte[] buffer = new byte[16];
        assertThat(in.read(buffer, 0, buffer.length)).isEqualTo(5);
        assertThat(in.read()).isEqualTo(-1);

        assertThat(in.sawBareLineEnding()).isFalse();
    }

    @Test
    void crLfSplitIntoOneByteChunksIsNotFlagged() throws IOException {
        byte[] data = bytes("a\r\nb\r\n");
        StrictLineEndingInputStream in = new StrictLineEndingInputStream(chunked(data, 1, 1, 1, 1, 1, 1));
        byte[] buffer = new byte[8];
        int total = 0;
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            total += n;
        }

        assertThat(total).isEqualTo(data.length);
        assertThat(in.sawBareLineEnding()).isFalse();
    }

    @Test
    void readAllBytesChecksTheDataToo() throws IOException {
        StrictLineEndingInputStream in = new StrictLineEndingInputStream(new ByteArrayInputStream(bytes("a\n.\nb\r\n")));

        assertThat(in.readAllBytes()).isEqualTo(bytes("a\n.\nb\r\n"));
        assertThat(in.sawBareLineEnding()).isTrue();
    }

    @Test
    void trailingCarriageReturnIsFlaggedOnlyOnceTheEndIsReached() throws IOException {
        StrictLineEndingInputStream in = new StrictLineEndingInputStream(new ByteArrayInputStream(bytes("ab\r")));
        byte[] buffer = new byte[16];

        assertThat(in.read(buffer, 0, buffer.length)).isEqualTo(3);
        assertThat(in.sawBareLineEnding()).as("an LF may still follow").isFalse();
        assertThat(in.read(buffer, 0, buffer.length)).isEqualTo(-1);
        assertThat(in.sawBareLineEnding()).isTrue();
    }
}
