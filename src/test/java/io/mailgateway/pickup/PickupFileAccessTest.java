package io.mailgateway.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The sharing mode itself (writers refused on Windows) cannot be exercised on this build's Linux machine;
 * what is checked here is the way PickupIntake uses it wherever it runs: while the guard handle is open the
 * mail is read through other handles, and once it is closed the file can be moved away.
 */
class PickupFileAccessTest {

    @Test
    void theFileIsReadThroughAnotherHandleWhileGuardedAndMovedAfterwards() throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "pickup-access", UUID.randomUUID().toString()));
        Path file = Files.writeString(dir.resolve("report.csv"), "a,b\r\n1,2\r\n", StandardCharsets.US_ASCII);

        try (FileChannel guard = PickupFileAccess.openDenyingWriters(file)) {
            assertThat(guard.isOpen()).isTrue();
            assertThat(Files.readString(file, StandardCharsets.US_ASCII)).isEqualTo("a,b\r\n1,2\r\n");
        }
        Path moved = Files.move(file, dir.resolve("processed.csv"));
        assertThat(moved).hasContent("a,b\r\n1,2\r\n");
        assertThat(file).doesNotExist();
    }
}
