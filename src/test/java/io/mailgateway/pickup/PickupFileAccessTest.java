package io.mailgateway.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The sharing mode itself (writers refused on Windows) cannot be exercised on this build's Linux machine;
 * what is checked here is that the same code path reads files correctly wherever it runs.
 */
class PickupFileAccessTest {

    @Test
    void theFileIsReadWholeAndAgainFromTheStartWithTheChannelStillOpen() throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "pickup-access", UUID.randomUUID().toString()));
        Path file = Files.writeString(dir.resolve("report.csv"), "a,b\r\n1,2\r\n", StandardCharsets.US_ASCII);

        try (FileChannel channel = PickupFileAccess.openDenyingWriters(file)) {
            assertThat(PickupFileAccess.readAll(channel)).asString(StandardCharsets.US_ASCII).isEqualTo("a,b\r\n1,2\r\n");
            try (InputStream again = PickupFileAccess.stream(channel)) {
                assertThat(again.readAllBytes()).hasSize(10);
            }
            assertThat(channel.isOpen()).as("closing the stream leaves the channel to its owner").isTrue();
        }
    }
}
