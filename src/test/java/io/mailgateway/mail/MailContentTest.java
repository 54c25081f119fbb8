package io.mailgateway.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MailContentTest {

    private static final byte[] MESSAGE = bytes("From: a@example.org\r\nSubject: s\r\n\r\nbody\r\n\r\nmore\r\n");

    private final Path folder = folder();

    private static Path folder() {
        try {
            return Files.createDirectories(Path.of("target", "mail-content-test", UUID.randomUUID().toString()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(MailContent content) throws IOException {
        return new String(content.bytes(), StandardCharsets.ISO_8859_1);
    }

    /** Through read() one byte at a time, not the bulk read most callers use. */
    private static byte[] byteByByte(MailContent content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = content.open()) {
            int b;
            while ((b = in.read()) >= 0) {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    @Test
    void aRegionOfAFileIsReadFromTheFileAsOftenAsNeeded() throws Exception {
        Path file = Files.write(folder.resolve("pickup.eml"), bytes("XXX" + new String(MESSAGE, StandardCharsets.ISO_8859_1) + "YYY"));

        MailContent content = MailContent.ofFile(file, 3, MESSAGE.length);

        assertThat(content.size()).isEqualTo(MESSAGE.length);
        assertThat(content.bytes()).isEqualTo(MESSAGE);
        assertThat(byteByByte(content)).isEqualTo(MESSAGE);
        assertThat(content.head()).isEqualTo(bytes("From: a@example.org\r\nSubject: s\r\n\r\n"));
        content.close();
        assertThat(file).as("a caller's file is not deleted").exists();
    }

    @Test
    void aFileThatBecameShorterIsAnErrorNotAShorterMail() throws Exception {
        Path file = Files.write(folder.resolve("shrinking.eml"), MESSAGE);
        MailContent content = MailContent.ofFile(file, 0, MESSAGE.length);
        Files.write(file, bytes("From: a@example.org\r\n"));

        assertThatThrownBy(content::bytes).isInstanceOf(EOFException.class).hasMessageContaining("bytes early");
    }

    @Test
    void concatenatedContentReadsBothPartsInOrderAndItsHeadSpansThem() throws Exception {
        MailContent content = MailContent.concat(MailContent.of(bytes("Received: from x\r\n")), MailContent.of(MESSAGE));

        assertThat(text(content)).isEqualTo("Received: from x\r\n" + new String(MESSAGE, StandardCharsets.ISO_8859_1));
        assertThat(content.size()).isEqualTo(18 + MESSAGE.length);
        assertThat(new String(content.head(), StandardCharsets.ISO_8859_1))
            .isEqualTo("Received: from x\r\nFrom: a@example.org\r\nSubject: s\r\n\r\n");
        assertThat(byteByByte(content)).isEqualTo(content.bytes());
    }

    @Test
    void aSliceOfAFileNeverDeletesTheFile() throws Exception {
        Path file = Files.write(folder.resolve("slice.eml"), MESSAGE);

        try (MailContent slice = MailContent.ofFile(file, 0, MESSAGE.length).slice(35, 6)) {
            assertThat(text(slice)).isEqualTo("body\r\n");
        }
        assertThat(file).exists();
    }

    @Test
    void aSliceOfContentInMemoryHasTheSameBytes() throws Exception {
        MailContent slice = MailContent.concat(MailContent.of(bytes("ab")), MailContent.of(bytes("cdef"))).slice(1, 4);

        assertThat(text(slice)).isEqualTo("bcde");
        assertThat(byteByByte(slice)).isEqualTo(bytes("bcde"));
    }

    @Test
    void aSliceBeyondTheEndIsRefusedWhereverTheBytesAre() throws Exception {
        Path file = Files.write(folder.resolve("short.eml"), MESSAGE);
        MailContent inMemory = MailContent.of(MESSAGE);
        MailContent inFile = MailContent.ofFile(file, 0, MESSAGE.length);
        MailContent joined = MailContent.concat(MailContent.of(bytes("ab")), MailContent.of(bytes("cd")));

        for (MailContent content : List.of(inMemory, inFile, joined)) {
            assertThatThrownBy(() -> content.slice(1, content.size()))
                .as("%s", content).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> content.slice(-1, 1))
                .as("%s", content).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void theHeadOfAMessageWithoutEmptyLineIsCutAtTheLimit() throws Exception {
        byte[] noEmptyLine = bytes(("X-Long: " + "x".repeat(90) + "\r\n").repeat(20_000)); // 2 MB of header
        Path file = Files.write(folder.resolve("endless-header.eml"), noEmptyLine);

        assertThat(MailContent.ofFile(file, 0, noEmptyLine.length).head()).hasSize(MailContent.HEAD_LIMIT);
    }

    @Test
    void lineEndingsAreMadeCrlfWhileReadingExactlyAsToCrlfDoes() throws Exception {
        Random random = new Random(42);
        byte[] alphabet = bytes("\r\n\r\n\r\nab .");
        for (int round = 0; round < 200; round++) {
            byte[] source = new byte[random.nextInt(round < 100 ? 40 : 200_000)];
            for (int i = 0; i < source.length; i++) {
                source[i] = alphabet[random.nextInt(alphabet.length)];
            }
            byte[] expected = HeaderFields.toCrlf(source);

            MailContent converted = MailContent.withCrlf(MailContent.of(source), expected.length);

            assertThat(converted.bytes()).as("bulk read, round %d", round).isEqualTo(expected);
            assertThat(byteByByte(converted)).as("byte reads, round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void lineEndingsAreMadeCrlfAcrossBufferBoundariesOfAFile() throws Exception {
        ByteArrayOutputStream source = new ByteArrayOutputStream();
        // a CR LF, a lone CR and a lone LF right at every 64 KiB buffer boundary, in turn
        for (int chunk = 0; chunk < 6; chunk++) {
            source.write(bytes("y".repeat(65_535)));
            source.write(bytes(chunk % 3 == 0 ? "\r\n" : chunk % 3 == 1 ? "\rz" : "\nz"));
        }
        Path file = Files.write(folder.resolve("unix.eml"), source.toByteArray());
        byte[] expected = HeaderFields.toCrlf(source.toByteArray());

        MailContent converted = MailContent.withCrlf(MailContent.ofFile(file, 0, source.size()), expected.length);

        assertThat(converted.bytes()).isEqualTo(expected);
    }
}
