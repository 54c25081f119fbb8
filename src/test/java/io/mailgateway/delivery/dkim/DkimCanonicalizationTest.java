package io.mailgateway.delivery.dkim;

import static io.mailgateway.delivery.dkim.DkimFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The canonicalisation algorithms on their own, against the examples of RFC 6376 §3.4.5 and the rules of
 * §3.4.1–§3.4.4, and the streaming body canonicaliser against every way a body can be cut into reads.
 */
class DkimCanonicalizationTest {

    /** A digest that keeps what it is fed, so the canonical bytes themselves can be compared. */
    private static final class Capture extends MessageDigest {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Capture() {
            super("capture");
        }

        @Override
        protected void engineUpdate(byte input) {
            bytes.write(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            bytes.write(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            return bytes.toByteArray();
        }

        @Override
        protected void engineReset() {
            bytes.reset();
        }

        String text() {
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String body(Canonicalization c, String body) {
        Capture capture = new Capture();
        BodyCanonicalizer canonicalizer = c.body(capture);
        byte[] b = bytes(body);
        canonicalizer.update(b, 0, b.length);
        canonicalizer.finish();
        return capture.text();
    }

    /** RFC 6376 §3.4.5, the example body: " C \r\nD \t E\r\n\r\n\r\n". */
    private static final String RFC_BODY = " C \r\nD \t E\r\n\r\n\r\n";

    @Test
    void relaxedBodyIsTheRfcExample() {
        assertThat(body(Canonicalization.RELAXED, RFC_BODY)).isEqualTo(" C\r\nD E\r\n");
    }

    @Test
    void simpleBodyIsTheRfcExample() {
        assertThat(body(Canonicalization.SIMPLE, RFC_BODY)).isEqualTo(" C \r\nD \t E\r\n");
    }

    @Test
    void relaxedHeadersAreTheRfcExample() {
        // RFC 6376 §3.4.5: "A: X\r\n" and "B : Y\t\r\n\tZ  \r\n" become "a:X\r\n" and "b:Y Z\r\n"
        assertThat(Canonicalization.RELAXED.header("A: X\r\n")).isEqualTo("a:X\r\n");
        assertThat(Canonicalization.RELAXED.header("B : Y\t\r\n\tZ  \r\n")).isEqualTo("b:Y Z\r\n");
    }

    @Test
    void simpleHeadersAreUnchanged() {
        assertThat(Canonicalization.SIMPLE.header("B : Y\t\r\n\tZ  \r\n")).isEqualTo("B : Y\t\r\n\tZ  \r\n");
    }

    @Test
    void relaxedHeaderKeepsEightBitBytesAndEmptyValues() {
        assertThat(Canonicalization.RELAXED.header("Subject: Gr\u00c3\u00bc\u00c3\u009fe\r\n"))
            .isEqualTo("subject:Gr\u00c3\u00bc\u00c3\u009fe\r\n");
        assertThat(Canonicalization.RELAXED.header("X-Empty:   \r\n")).isEqualTo("x-empty:\r\n");
        assertThat(Canonicalization.RELAXED.header("X-Empty:\r\n")).isEqualTo("x-empty:\r\n");
    }

    @ParameterizedTest(name = "relaxed {0}")
    @CsvSource(delimiter = '|', value = {
        // body as Java-escaped text | relaxed canonical form
        "''                     | ''",
        "'\\r\\n'               | ''",
        "'\\r\\n\\r\\n \\t\\r\\n' | ''",
        "'x'                    | 'x\\r\\n'",
        "'x\\r\\n'              | 'x\\r\\n'",
        "'x  \\t'               | 'x\\r\\n'",
        "'\\r\\n\\r\\nx'        | '\\r\\n\\r\\nx\\r\\n'",
        "'a\\r\\n \\r\\nb\\r\\n'  | 'a\\r\\n\\r\\nb\\r\\n'",
        "' \\t lead'            | ' lead\\r\\n'",
        "'bare\\rcr\\r\\n'      | 'bare\\rcr\\r\\n'",
        "'bare\\nlf\\r\\n'      | 'bare\\nlf\\r\\n'",
        "'cr at end\\r'         | 'cr at end\\r\\r\\n'",
        "'a \\rb'               | 'a \\rb\\r\\n'",
    })
    void relaxedBodyEdgeCases(String body, String expected) {
        assertThat(body(Canonicalization.RELAXED, unescape(body))).isEqualTo(unescape(expected));
    }

    @ParameterizedTest(name = "simple {0}")
    @CsvSource(delimiter = '|', value = {
        "''                     | '\\r\\n'",
        "'\\r\\n\\r\\n'         | '\\r\\n'",
        "'x'                    | 'x\\r\\n'",
        "'x \\r\\n\\r\\n'       | 'x \\r\\n'",
        "' \\r\\n'              | ' \\r\\n'",
        "'a\\r\\n\\r\\nb'       | 'a\\r\\n\\r\\nb\\r\\n'",
    })
    void simpleBodyEdgeCases(String body, String expected) {
        assertThat(body(Canonicalization.SIMPLE, unescape(body))).isEqualTo(unescape(expected));
    }

    @Test
    void theResultDoesNotDependOnHowTheBodyIsCutIntoReads() {
        String body = "a \t b \r\n\r\n  \r\nc\rd\n\r\n\t\r\n x  y\t\r\n\r\n\r\n";
        for (Canonicalization c : Canonicalization.values()) {
            String whole = body(c, body);
            byte[] b = bytes(body);
            // one byte at a time, and many random cuts: a CR and its LF, or a WSP run, split between reads
            Random random = new Random(42);
            for (int round = 0; round < 200; round++) {
                Capture capture = new Capture();
                BodyCanonicalizer canonicalizer = c.body(capture);
                int at = 0;
                while (at < b.length) {
                    int n = round == 0 ? 1 : 1 + random.nextInt(Math.min(6, b.length - at));
                    canonicalizer.update(b, at, n);
                    at += n;
                }
                canonicalizer.finish();
                assertThat(capture.text()).as("%s round %d", c, round).isEqualTo(whole);
            }
        }
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
    }
}
