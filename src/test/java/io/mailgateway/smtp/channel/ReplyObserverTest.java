package io.mailgateway.smtp.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyObserverTest {

    private final ByteArrayOutputStream client = new ByteArrayOutputStream();
    private final ReplyObserver replies = new ReplyObserver(client);

    @Test
    void theStopsLastReplyIsTheLastThingTheClientReads() throws IOException {
        replies.write(bytes("250 2.1.0 Ok\r\n"));
        replies.sendLast(bytes("421 4.3.2 Service shutting down; closing connection\r\n"));
        replies.write(bytes("250 2.0.0 Ok: queued\r\n"));
        replies.sendLast(bytes("421 again\r\n"));

        assertThat(client.toString(StandardCharsets.US_ASCII))
            .isEqualTo("250 2.1.0 Ok\r\n421 4.3.2 Service shutting down; closing connection\r\n");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
