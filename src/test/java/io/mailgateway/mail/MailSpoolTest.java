package io.mailgateway.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MailSpoolTest {

    private final Path folder = Path.of("target", "mail-spool-test", UUID.randomUUID().toString()).toAbsolutePath();
    private final MailSpool spool = new MailSpool(folder, 1024);

    private long spoolFiles() throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    @Test
    void aSmallMailStaysInMemory() throws Exception {
        MailSpool.Output out = spool.output();
        out.write(bytes(1024));

        try (MailContent content = out.toContent()) {
            assertThat(content.bytes()).isEqualTo(bytes(1024));
            assertThat(spoolFiles()).isZero();
        }
    }

    @Test
    void aLargeMailGoesToASpoolFileThatClosingTheContentDeletes() throws Exception {
        MailSpool.Output out = spool.output();
        try {
            byte[] large = bytes(10_000);
            out.write(large, 0, 600);
            out.write(large, 600, 9_400);
            MailContent content = out.toContent();
            assertThat(spoolFiles()).isEqualTo(1);
            assertThat(content.size()).isEqualTo(10_000);
            assertThat(content.bytes()).isEqualTo(large);
            assertThat(content.bytes()).as("read again").isEqualTo(large);
            content.close();
            assertThat(spoolFiles()).isZero();
        } finally {
            out.discard();
        }
    }

    @Test
    void anAbandonedOutputLeavesNoFile() throws Exception {
        MailSpool.Output out = spool.output();
        out.write(bytes(5_000));
        out.close(); // e.g. by a library that closes what it wrote to

        out.discard();

        assertThat(spoolFiles()).isZero();
    }

    @Test
    void discardAfterTheContentWasHandedOverKeepsTheFile() throws Exception {
        MailSpool.Output out = spool.output();
        out.write(bytes(5_000));
        try (MailContent content = out.toContent()) {
            out.discard();
            assertThat(content.bytes()).hasSize(5_000);
        }
        assertThat(spoolFiles()).isZero();
    }

    @Test
    void cleanRemovesWhatAPreviousRunLeftButNothingElse() throws Exception {
        MailSpool.Output left = spool.output();
        left.write(bytes(5_000));
        left.toContent(); // never closed: as after a crash
        Files.write(folder.resolve("notes.txt"), bytes(3));

        assertThat(new MailSpool(folder, 1024).clean()).isEqualTo(1);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("notes.txt");
        }
    }

    @Test
    void theSpoolFileIsReadableByItsOwnerOnly() throws Exception {
        MailSpool.Output out = spool.output();
        out.write(bytes(5_000));
        try (MailContent content = out.toContent(); Stream<Path> files = Files.list(folder)) {
            Path file = files.findFirst().orElseThrow();
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            }
            assertThat(Arrays.equals(content.bytes(), bytes(5_000))).isTrue();
        }
    }
}
